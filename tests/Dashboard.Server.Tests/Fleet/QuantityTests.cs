using Dashboard.Server.State;

namespace Dashboard.Server.Tests.Fleet;

public sealed class QuantityTests
{
    [Theory]
    [InlineData("250m", 250L)]
    [InlineData("2", 2000L)]
    [InlineData("1.5", 1500L)]
    [InlineData("12345678n", 12L)]
    [InlineData("500u", 1L)]
    [InlineData("nonsense", null)]
    [InlineData(null, null)]
    public void Cpu_in_millicores(string? text, long? expected) => Assert.Equal(expected, Quantity.Millicores(text));

    [Theory]
    [InlineData("128Mi", 134_217_728L)]
    [InlineData("1Gi", 1_073_741_824L)]
    [InlineData("1G", 1_000_000_000L)]
    [InlineData("2048Ki", 2_097_152L)]
    [InlineData("1e3", 1000L)]
    [InlineData("512", 512L)]
    public void Memory_in_bytes(string text, long expected) => Assert.Equal(expected, Quantity.Bytes(text));
}
