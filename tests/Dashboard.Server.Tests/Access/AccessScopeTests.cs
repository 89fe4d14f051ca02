using Dashboard.Server.Access;
using Dashboard.Shared.Access;
using Dashboard.Shared.Fleet;

namespace Dashboard.Server.Tests.Access;

public sealed class AccessScopeTests
{
    private static readonly ClusterLabels AwsProd = new("aws", "prod", "eu-west-1");
    private static readonly ClusterLabels GcpStaging = new("gcp", "staging", "us-central1");

    [Theory]
    [InlineData("*", "aws-prod", true)]
    [InlineData("environment=prod", "aws-prod", true)]
    [InlineData("environment=prod", "gcp-staging", false)]
    [InlineData("environment=prod,provider=aws", "aws-prod", true)]
    [InlineData("environment=prod,provider=gcp", "aws-prod", false)]
    [InlineData("environment!=prod", "gcp-staging", true)]
    [InlineData("environment!=prod", "aws-prod", false)]
    [InlineData("aws-prod,gcp-staging", "gcp-staging", true)]
    [InlineData("aws-*", "aws-prod", true)]
    [InlineData("aws-*", "gcp-staging", false)]
    [InlineData("*-prod,provider=aws", "aws-prod", true)]
    public void Cluster_selectors_match_names_and_labels(string selector, string cluster, bool expected)
    {
        var scope = AccessScope.From([new Grant(TeamRole.Viewer, selector, "*")]);
        Assert.Equal(expected, scope.Allows(cluster, cluster == "aws-prod" ? AwsProd : GcpStaging, "default"));
    }

    [Fact]
    public void A_namespace_pattern_admits_its_namespaces_and_no_cluster_scoped_object()
    {
        var scope = AccessScope.From([new Grant(TeamRole.Viewer, "*", "shop,team-a-*")]);
        Assert.True(scope.Allows("aws-prod", AwsProd, "shop"));
        Assert.True(scope.Allows("aws-prod", AwsProd, "team-a-web"));
        Assert.False(scope.Allows("aws-prod", AwsProd, "kube-system"));
        Assert.False(scope.Allows("aws-prod", AwsProd, null)); // nodes, the cluster's aggregate
        Assert.True(scope.SeesCluster("aws-prod", AwsProd));
    }

    [Fact]
    public void Rights_are_the_union_of_grants_and_roles_include_the_lesser_ones()
    {
        var scope = AccessScope.From([
            new Grant(TeamRole.Viewer, "*", "*"),
            new Grant(TeamRole.Operator, "environment=prod", "shop"),
        ]);
        Assert.True(scope.Allows("gcp-staging", GcpStaging, "shop"));
        Assert.True(scope.Can(TeamRole.Operator, "aws-prod", AwsProd, "shop"));
        Assert.False(scope.Can(TeamRole.Operator, "aws-prod", AwsProd, "default"));
        Assert.False(scope.Can(TeamRole.Operator, "gcp-staging", GcpStaging, "shop"));
        Assert.False(scope.Can(TeamRole.Admin, "aws-prod", AwsProd, "shop"));
        Assert.False(scope.IsFleetAdmin);
    }

    [Fact]
    public void Only_admin_over_everything_administers_the_fleet()
    {
        Assert.True(AccessScope.From([new Grant(TeamRole.Admin, "*", "*")]).IsFleetAdmin);
        Assert.False(AccessScope.From([new Grant(TeamRole.Admin, "environment=dev", "*")]).IsFleetAdmin);
        Assert.False(AccessScope.From([new Grant(TeamRole.Admin, "*", "dev")]).IsFleetAdmin);
        Assert.False(AccessScope.Nothing.Allows("aws-prod", AwsProd, "shop"));
    }

    [Fact]
    public void Unknown_labels_satisfy_no_requirement()
    {
        var scope = AccessScope.From([new Grant(TeamRole.Viewer, "environment!=prod", "*")]);
        Assert.False(scope.Allows("mystery", null, "default"));
    }

    [Theory]
    [InlineData("", "*")]
    [InlineData("*", "")]
    [InlineData("color=blue", "*")]
    [InlineData("aws prod", "*")]
    [InlineData("*", "shop;drop")]
    public void Invalid_selectors_are_refused_with_a_reason(string clusters, string namespaces)
    {
        Assert.NotNull(AccessScope.Validate(clusters, namespaces));
        Assert.False(AccessScope.From([new Grant(TeamRole.Admin, clusters, namespaces)]).Allows("aws-prod", AwsProd, "shop"));
    }

    [Fact]
    public void Equal_grants_make_equal_keys_whatever_their_order()
    {
        var a = AccessScope.From([new Grant(TeamRole.Viewer, "*", "shop"), new Grant(TeamRole.Operator, "aws-prod", "*")]);
        var b = AccessScope.From([new Grant(TeamRole.Operator, "aws-prod", "*"), new Grant(TeamRole.Viewer, "*", "shop")]);
        Assert.Equal(a.Key, b.Key);
        Assert.NotEqual(a.Key, AccessScope.Everything.Key);
    }

    [Fact]
    public void Namespace_names_are_known_only_when_every_grant_names_them_plainly()
    {
        Assert.Equal(["payments", "shop"], AccessScope.From([new Grant(TeamRole.Viewer, "*", "shop"), new Grant(TeamRole.Operator, "aws-prod", "payments")])
            .NamespaceNames!.Order(StringComparer.Ordinal));
        Assert.Null(AccessScope.From([new Grant(TeamRole.Viewer, "*", "shop"), new Grant(TeamRole.Viewer, "aws-prod", "*")]).NamespaceNames);
        Assert.Null(AccessScope.From([new Grant(TeamRole.Viewer, "*", "team-a-*")]).NamespaceNames);
        Assert.Empty(AccessScope.Nothing.NamespaceNames!);
    }
}
