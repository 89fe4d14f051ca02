using Dashboard.Server.State;

namespace Dashboard.Server.Tests.Fleet;

public sealed class FleetStoreTests
{
    [Fact]
    public void Relist_publishes_only_differences_in_sequence_order()
    {
        var store = new FleetStore();
        var interner = new Interner();
        store.Replace("aws-prod", "Pod", [Objects.Pod("a", "u1", interner: interner), Objects.Pod("b", "u2", interner: interner)]);
        var changes = new List<FleetChange>();
        using var subscription = store.Subscribe(changes.Add, out var current);
        Assert.Equal(2, current);

        store.Replace("aws-prod", "Pod",
        [
            Objects.Pod("a", "u1", interner: interner),              // unchanged
            Objects.Pod("b", "u2", rv: "2", ready: false, interner: interner), // changed
            Objects.Pod("c", "u3", interner: interner),              // new
        ]);
        store.Replace("aws-prod", "Pod", [Objects.Pod("c", "u3", interner: interner)]); // a and b gone

        Assert.Equal([3L, 4, 5, 6], changes.Select(c => c.Sequence));
        Assert.Equal(
            [(ChangeType.Upsert, "b"), (ChangeType.Upsert, "c"), (ChangeType.Delete, "a"), (ChangeType.Delete, "b")],
            changes.Select(c => (c.Type, c.Resource.Meta.Name)).OrderBy(c => c.Item1).ThenBy(c => c.Item2));
        Assert.Equal(["c"], store.List("Pod").Select(p => p.Meta.Name));
    }

    [Fact]
    public void Indexes_follow_moves_and_deletes()
    {
        var store = new FleetStore();
        store.Upsert(Objects.Pod("a", "u1", node: "node-1", ownerUid: "rs-1"));
        store.Upsert(Objects.Pod("b", "u2", node: "node-1", ownerUid: "rs-2"));
        Assert.Equal(2, store.PodsOnNode("aws-prod", "node-1").Count);

        store.Upsert(Objects.Pod("b", "u2", node: "node-2", ownerUid: "rs-2", rv: "2"));
        store.Delete("aws-prod", "Pod", "u1");

        Assert.Empty(store.PodsOnNode("aws-prod", "node-1"));
        Assert.Equal(["b"], store.PodsOnNode("aws-prod", "node-2").Select(p => p.Meta.Name));
        Assert.Empty(store.OwnedBy("aws-prod", "Pod", "rs-1"));
        Assert.Equal(["b"], store.List("Pod", "aws-prod", "prod").Select(p => p.Meta.Name));
        Assert.Empty(store.List("Pod", "gcp-staging"));
    }

    [Fact]
    public void Same_resource_version_twice_is_not_a_change()
    {
        var store = new FleetStore();
        var changes = new List<FleetChange>();
        using var subscription = store.Subscribe(changes.Add, out _);

        store.Upsert(Objects.Pod("a", "u1"));
        store.Upsert(Objects.Pod("a", "u1"));
        store.Delete("aws-prod", "Pod", "u-unknown");

        Assert.Single(changes);
    }
}
