using Dashboard.Server.Hosting;
using Microsoft.Extensions.Configuration;

namespace Dashboard.Server.Tests.Hosting;

/// <summary>The settings the server reads, so that a misspelt one is named at startup instead of silently ignored.</summary>
public sealed class SettingsTests
{
    [Theory]
    [InlineData("ConnectionStrings__Dashboard", true)]
    [InlineData("ConnectionStrings__Redis", true)]
    [InlineData("Clusters__Kubeconfigs__0", true)]
    [InlineData("Clusters__Static__1__CertificateAuthorityData", true)]
    [InlineData("Authentication__OpenIdConnect__GroupTeams__ops-admins", true)]
    [InlineData("Authentication:OpenIdConnect:ClientSecret", true)]
    [InlineData("Fleet__Watch__PageSize", true)]
    [InlineData("Logging__LogLevel__Default", true)]
    [InlineData("ASPNETCORE_URLS", true)]
    [InlineData("Access__IdleTimeoutMinutes", true)]
    [InlineData("Clusters__Labels__onprem-prod__Provider", true)]
    [InlineData("Clusters__Labels__onprem-prod__Owner", false)]
    [InlineData("ConnectionStrings__Postgres", false)]
    [InlineData("Database__SqlitPath", false)]
    [InlineData("Clusters__Kubeconfig", false)]
    [InlineData("Fleet__Watch__PageSize__0", false)]
    [InlineData("Authentication__OpenIdConnect__Secret", false)]
    public void Knows_every_key_it_reads_and_no_other_under_its_sections(string key, bool known) =>
        Assert.Equal(known, Settings.IsKnown(key));

    [Fact]
    public void Names_the_keys_given_under_its_sections_that_nothing_reads()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Dashboard"] = "Host=db",
            ["Database:SqlitPath"] = "typo.db",
            ["Clusters:Kubeconfigs:0"] = "/k",
            ["Demo:Podz"] = "5",
            ["Serilog:MinimumLevel"] = "Debug", // not this server's section: not judged
        }).Build();

        Assert.Equal(["Database:SqlitPath", "Demo:Podz"], Settings.Unknown(configuration));
    }
}
