using System.Text.Json.Nodes;
using Dashboard.Simulator.Store;

namespace Dashboard.Simulator.Api;

/// <summary>The three patch formats kubectl and clients send: JSON merge patch, JSON patch, strategic merge patch.</summary>
internal static class Patches
{
    /// <summary>Merge keys of the lists strategic merge patch merges by key instead of replacing (the ones kubectl touches).</summary>
    private static readonly Dictionary<string, string> MergeKeys = new(StringComparer.Ordinal)
    {
        ["containers"] = "name",
        ["initContainers"] = "name",
        ["ephemeralContainers"] = "name",
        ["env"] = "name",
        ["volumes"] = "name",
        ["volumeMounts"] = "mountPath",
        ["volumeDevices"] = "devicePath",
        ["imagePullSecrets"] = "name",
        ["tolerations"] = "key",
        ["conditions"] = "type",
        ["ownerReferences"] = "uid",
        ["hostAliases"] = "ip",
        ["topologySpreadConstraints"] = "topologyKey",
        ["taints"] = "key",
    };

    public static JsonNode Apply(string? contentType, JsonNode target, JsonNode patch)
    {
        var type = (contentType ?? "").Split(';')[0].Trim();
        return type switch
        {
            "application/json-patch+json" => JsonPatch(target, patch as JsonArray ?? throw ApiException.BadRequest("json patch must be an array")),
            "application/merge-patch+json" => MergePatch(target, patch),
            "application/strategic-merge-patch+json" => StrategicMerge(target, patch),
            "application/apply-patch+yaml" or "application/apply-patch+json" => StrategicMerge(target, patch),
            _ => throw new ApiException(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"),
        };
    }

    public static JsonNode MergePatch(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone()!;
        }

        var result = target as JsonObject ?? [];
        foreach (var (key, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                var merged = MergePatch(result[key], value);
                result[key] = merged.Parent is null ? merged : merged.DeepClone();
            }
        }

        return result;
    }

    public static JsonNode StrategicMerge(JsonNode? target, JsonNode? patch, string? field = null)
    {
        if (patch is JsonArray patchArray)
        {
            if (field is not null && MergeKeys.TryGetValue(field, out var mergeKey) && target is JsonArray targetArray
                && patchArray.All(p => p is JsonObject))
            {
                foreach (var item in patchArray.Select(p => p!.AsObject()))
                {
                    var key = item[mergeKey]?.ToString();
                    var existing = targetArray.OfType<JsonObject>().FirstOrDefault(t => t[mergeKey]?.ToString() == key);
                    var directive = (string?)item["$patch"];
                    if (directive == "delete")
                    {
                        if (existing is not null)
                        {
                            targetArray.Remove(existing);
                        }

                        continue;
                    }

                    if (existing is null)
                    {
                        targetArray.Add(StripDirectives(item.DeepClone()));
                    }
                    else
                    {
                        StrategicMerge(existing, item);
                    }
                }

                return targetArray;
            }

            return StripDirectives(patchArray.DeepClone());
        }

        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone()!;
        }

        if ((string?)patchObject["$patch"] == "replace")
        {
            return StripDirectives(patchObject.DeepClone());
        }

        var result = target as JsonObject ?? [];
        if (patchObject["$retainKeys"] is JsonArray retain)
        {
            var keep = retain.Select(k => k?.ToString()).ToHashSet();
            foreach (var key in result.Select(kv => kv.Key).Where(k => !keep.Contains(k)).ToList())
            {
                result.Remove(key);
            }
        }

        foreach (var (key, value) in patchObject)
        {
            if (key.StartsWith('$'))
            {
                continue;
            }

            if (key.StartsWith("$setElementOrder/", StringComparison.Ordinal) || key.StartsWith("$deleteFromPrimitiveList/", StringComparison.Ordinal))
            {
                continue;
            }

            if (value is null)
            {
                result.Remove(key);
                continue;
            }

            var merged = StrategicMerge(result[key], value, key);
            result[key] = merged.Parent is null ? merged : merged.DeepClone();
        }

        return result;
    }

    public static JsonNode JsonPatch(JsonNode target, JsonArray operations)
    {
        var doc = target;
        foreach (var op in operations.OfType<JsonObject>())
        {
            var kind = (string?)op["op"];
            var path = (string?)op["path"] ?? throw ApiException.BadRequest("json patch operation without path");
            switch (kind)
            {
                case "add":
                    doc = Set(doc, path, op["value"]?.DeepClone(), insert: true);
                    break;
                case "replace":
                    if (Get(doc, path) is null && !Exists(doc, path))
                    {
                        throw new ApiException(422, "Invalid", $"the server rejected our request due to an error in our request: replace operation does not apply: doc is missing key: {path}");
                    }

                    doc = Set(doc, path, op["value"]?.DeepClone(), insert: false);
                    break;
                case "remove":
                    Remove(doc, path);
                    break;
                case "test":
                    if (!JsonNode.DeepEquals(Get(doc, path), op["value"]))
                    {
                        throw new ApiException(422, "Invalid", $"the server rejected our request due to an error in our request: testing value {path} failed");
                    }

                    break;
                case "move":
                case "copy":
                    var from = (string?)op["from"] ?? throw ApiException.BadRequest("json patch move/copy without from");
                    var value = Get(doc, from)?.DeepClone();
                    if (kind == "move")
                    {
                        Remove(doc, from);
                    }

                    doc = Set(doc, path, value, insert: true);
                    break;
                default:
                    throw ApiException.BadRequest($"unexpected json patch operation: {kind}");
            }
        }

        return doc;
    }

    private static JsonNode StripDirectives(JsonNode node)
    {
        if (node is JsonObject o)
        {
            foreach (var key in o.Select(kv => kv.Key).Where(k => k.StartsWith('$')).ToList())
            {
                o.Remove(key);
            }

            foreach (var (_, v) in o.ToList())
            {
                if (v is not null)
                {
                    StripDirectives(v);
                }
            }
        }
        else if (node is JsonArray a)
        {
            foreach (var v in a)
            {
                if (v is not null)
                {
                    StripDirectives(v);
                }
            }
        }

        return node;
    }

    private static string[] Pointer(string path) =>
        path.Length == 0 ? [] : path[1..].Split('/').Select(p => p.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToArray();

    private static JsonNode? Get(JsonNode? doc, string path)
    {
        foreach (var part in Pointer(path))
        {
            doc = doc switch
            {
                JsonObject o => o[part],
                JsonArray a when int.TryParse(part, out var i) && i >= 0 && i < a.Count => a[i],
                _ => null,
            };
        }

        return doc;
    }

    private static bool Exists(JsonNode doc, string path)
    {
        var parts = Pointer(path);
        var parent = Get(doc, "/" + string.Join('/', parts[..^1]));
        return parts.Length > 0 && parent is JsonObject o && o.ContainsKey(parts[^1]);
    }

    private static JsonNode Set(JsonNode doc, string path, JsonNode? value, bool insert)
    {
        var parts = Pointer(path);
        if (parts.Length == 0)
        {
            return value ?? throw ApiException.BadRequest("cannot replace the whole document with null");
        }

        var parent = parts.Length == 1 ? doc : Get(doc, "/" + string.Join('/', parts[..^1]));
        var last = parts[^1];
        switch (parent)
        {
            case JsonObject o:
                o[last] = value;
                break;
            case JsonArray a when last == "-":
                a.Add(value);
                break;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i <= a.Count:
                if (insert)
                {
                    a.Insert(i, value);
                }
                else if (i < a.Count)
                {
                    a[i] = value;
                }

                break;
            default:
                throw new ApiException(422, "Invalid", $"the server rejected our request due to an error in our request: doc is missing path: {path}");
        }

        return doc;
    }

    private static void Remove(JsonNode doc, string path)
    {
        var parts = Pointer(path);
        var parent = parts.Length == 1 ? doc : Get(doc, "/" + string.Join('/', parts[..^1]));
        switch (parent)
        {
            case JsonObject o when o.ContainsKey(parts[^1]):
                o.Remove(parts[^1]);
                break;
            case JsonArray a when int.TryParse(parts[^1], out var i) && i >= 0 && i < a.Count:
                a.RemoveAt(i);
                break;
            default:
                throw new ApiException(422, "Invalid", $"the server rejected our request due to an error in our request: unable to remove nonexistent key: {path}");
        }
    }
}
