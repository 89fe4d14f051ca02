using Dashboard.Server.Live;
using Dashboard.Server.Tests.Access;
using Dashboard.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Server.Tests.Live;

/// <summary>After a start, the pods view is built once and forgotten, so the first person to open it does not pay for the JIT.</summary>
public sealed class WarmUpTests(AccessFleetFixture fleet) : IClassFixture<AccessFleetFixture>
{
    [Fact]
    public async Task The_pods_view_is_warmed_up_once_the_pods_are_listed_and_nothing_stays_cached()
    {
        var warmUp = fleet.Factory.Services.GetRequiredService<LiveWarmUp>();
        await Network.WaitUntilAsync(() => Task.FromResult(warmUp.Rows is not null), TimeSpan.FromSeconds(30), "the warm-up");
        Assert.True(warmUp.Rows > 0, $"{warmUp.Rows} rows");
        Assert.Equal(0, fleet.Factory.Services.GetRequiredService<ViewRegistry>().Count);
    }
}
