using System.Text.Json.Nodes;

namespace Dashboard.Simulator.Store;

/// <summary>
/// One object as the API serves it: its serialized JSON plus the few parsed fields indexes and selectors need.
/// Immutable: a write replaces the instance, so readers and the watch history can hold it without copying.
/// </summary>
internal sealed class StoredObject
{
    private static readonly Dictionary<string, string> NoLabels = [];

    private StoredObject(ResourceKind kind, string? ns, string name, string uid, long resourceVersion, byte[] json,
        Dictionary<string, string> labels, string[] ownerUids, string?[] fields, bool ready)
    {
        Ready = ready;
        Kind = kind;
        Namespace = ns;
        Name = name;
        Uid = uid;
        ResourceVersion = resourceVersion;
        Json = json;
        Labels = labels;
        OwnerUids = ownerUids;
        Fields = fields;
    }

    public ResourceKind Kind { get; }

    public string? Namespace { get; }

    public string Name { get; }

    public string Key => Namespace is null ? Name : Namespace + "/" + Name;

    public string Uid { get; }

    public long ResourceVersion { get; }

    public byte[] Json { get; }

    public IReadOnlyDictionary<string, string> Labels { get; }

    public string[] OwnerUids { get; }

    /// <summary>Values of <see cref="ResourceKind.FieldPaths"/>, in the same order.</summary>
    public string?[] Fields { get; }

    /// <summary>For pods: the Ready condition is True (controllers count these without parsing).</summary>
    public bool Ready { get; }

    public JsonObject ToNode() => (JsonObject)JsonNode.Parse(Json)!;

    public static StoredObject From(ResourceKind kind, JsonObject obj, long resourceVersion)
    {
        var metadata = obj["metadata"]!.AsObject();
        Dictionary<string, string> labels = NoLabels;
        if (metadata["labels"] is JsonObject labelNode && labelNode.Count > 0)
        {
            labels = new Dictionary<string, string>(labelNode.Count, StringComparer.Ordinal);
            foreach (var (k, v) in labelNode)
            {
                labels[k] = v?.ToString() ?? "";
            }
        }

        string[] owners = [];
        if (metadata["ownerReferences"] is JsonArray refs && refs.Count > 0)
        {
            owners = refs.Select(r => (string?)r?["uid"]).Where(u => u is not null).Select(u => u!).ToArray();
        }

        var fields = new string?[kind.FieldPaths.Length];
        for (var i = 0; i < fields.Length; i++)
        {
            fields[i] = Read(obj, kind.FieldPaths[i]);
        }

        var ready = kind == BuiltInKinds.Pod && obj["status"]?["conditions"] is JsonArray conditions
            && conditions.Any(c => (string?)c?["type"] == "Ready" && (string?)c?["status"] == "True");
        var bytes = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(obj, JsonDefaults.Options);
        return new StoredObject(kind, (string?)metadata["namespace"], (string)metadata["name"]!, (string)metadata["uid"]!,
            resourceVersion, bytes, labels, owners, fields, ready);
    }

    public string? Field(string path)
    {
        switch (path)
        {
            case "metadata.name":
                return Name;
            case "metadata.namespace":
                return Namespace ?? "";
            default:
                var i = Array.IndexOf(Kind.FieldPaths, path);
                return i < 0 ? null : Fields[i] ?? "";
        }
    }

    public bool SupportsField(string path) => path is "metadata.name" or "metadata.namespace" || Kind.FieldPaths.Contains(path);

    internal static string? Read(JsonObject obj, string path)
    {
        JsonNode? node = obj;
        foreach (var part in path.Split('.'))
        {
            node = node is JsonObject o ? o[part] : null;
            if (node is null)
            {
                return null;
            }
        }

        return node is JsonValue v ? v.ToString() : node.ToJsonString();
    }
}
