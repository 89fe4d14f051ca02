using Dashboard.Server.Tests.Access;

namespace Dashboard.Server.Tests.Resources;

/// <summary>The detail tests share one fleet and one server (the access tests' fixture: its "sam" sees only shop).</summary>
[CollectionDefinition(Name)]
public sealed class DetailFleetCollection : ICollectionFixture<AccessFleetFixture>
{
    public const string Name = "detail fleet";
}
