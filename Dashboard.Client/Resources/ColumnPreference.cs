using System.Text.Json;
using Microsoft.JSInterop;

namespace Dashboard.Client.Resources;

/// <summary>
/// Which columns a kind's table shows, remembered per kind in localStorage: only the columns someone toggled
/// (name -> shown), so a column the server adds later starts as its priority says.
/// </summary>
public sealed class ColumnPreference(IJSRuntime js)
{
    internal static string StorageKey(string kind) => $"dashboard.columns.{kind.ToLowerInvariant()}";

    public async Task<Dictionary<string, bool>> LoadAsync(string kind)
    {
        try
        {
            var stored = await js.InvokeAsync<string?>("localStorage.getItem", StorageKey(kind));
            return stored is null ? [] : JsonSerializer.Deserialize(stored, ResourceJsonContext.Default.DictionaryStringBoolean) ?? [];
        }
        catch (JsonException)
        {
            return []; // written by another version, or by hand: start from the defaults
        }
    }

    public ValueTask SaveAsync(string kind, IReadOnlyDictionary<string, bool> shown) =>
        js.InvokeVoidAsync("localStorage.setItem", StorageKey(kind),
            JsonSerializer.Serialize(shown.ToDictionary(), ResourceJsonContext.Default.DictionaryStringBoolean));
}
