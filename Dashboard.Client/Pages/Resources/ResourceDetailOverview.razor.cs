using System.Text.Json;
using Dashboard.Shared.Fleet;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Dashboard.Client.Pages.Resources;

/// <summary>The overview tab of an object's detail: summary, conditions, labels and annotations, containers, relations.</summary>
public sealed partial class ResourceDetailOverview : ComponentBase
{
    [Parameter, EditorRequired]
    public required Dashboard.Shared.Fleet.ResourceDetail Detail { get; set; }

    /// <summary>Another object's detail page, by the same route scheme.</summary>
    public static string DetailHref(ObjectLink link) => link.Plural is null
        ? ""
        : $"resources/{Esc(link.Plural)}/{Esc(link.Cluster)}/{Esc(string.IsNullOrEmpty(link.Namespace) ? "-" : link.Namespace)}/{Esc(link.Name)}";

    private static Color ConditionColor(ObjectCondition condition) => condition.Status switch
    {
        // Most conditions are good when True; these few are good when False.
        "True" when condition.Type is "MemoryPressure" or "DiskPressure" or "PIDPressure" or "NetworkUnavailable" or "ReplicaFailure" => Color.Error,
        "False" when condition.Type is "MemoryPressure" or "DiskPressure" or "PIDPressure" or "NetworkUnavailable" or "ReplicaFailure" => Color.Success,
        "True" => Color.Success,
        "False" => Color.Error,
        _ => Color.Warning,
    };

    private static Color StateColor(ContainerDetail container) => container.State switch
    {
        "Running" when container.Ready == true => Color.Success,
        "Running" => Color.Warning,
        "Terminated" when container.StateReason == "Completed" => Color.Default,
        "Waiting" or "Terminated" => Color.Error,
        _ => Color.Default,
    };

    /// <summary>The store's per-kind record as named values (it arrives as JSON: its type depends on the kind).</summary>
    private static IEnumerable<(string Name, string Value)> ProjectionFields(object? projection)
    {
        if (projection is not JsonElement { ValueKind: JsonValueKind.Object } element)
        {
            yield break;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (property.Name == "fields" && property.Value.ValueKind == JsonValueKind.Object)
            {
                foreach (var field in property.Value.EnumerateObject())
                {
                    yield return (field.Name, FieldText(field.Value));
                }

                continue;
            }

            var text = FieldText(property.Value);
            if (text.Length > 0)
            {
                yield return (property.Name, text);
            }
        }
    }

    private static string FieldText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? "",
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        JsonValueKind.Array => string.Join(", ", value.EnumerateArray().Select(FieldText)),
        JsonValueKind.Object => string.Join(", ", value.EnumerateObject().Select(p => $"{p.Name}={FieldText(p.Value)}")),
        _ => "",
    };

    private static string Esc(string value) => Uri.EscapeDataString(value);
}
