using System.Text.Json;
using System.Text.Json.Serialization;
using Dashboard.Shared.Fleet;

namespace Dashboard.Client.Resources;

/// <summary>The JSON the resource screens read: the cluster list and the column choice. Generated at build time.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(ClusterSummary[]))]
[JsonSerializable(typeof(Dictionary<string, bool>))]
internal sealed partial class ResourceJsonContext : JsonSerializerContext;
