using Microsoft.JSInterop;

namespace Dashboard.Client.Layout;

/// <summary>Dark or light, remembered per browser in localStorage.</summary>
public sealed class ThemePreference(IJSRuntime js)
{
    internal const string StorageKey = "dashboard.theme";

    public async Task<bool?> LoadIsDarkAsync()
    {
        var stored = await js.InvokeAsync<string?>("localStorage.getItem", StorageKey);
        return stored switch
        {
            "dark" => true,
            "light" => false,
            _ => null,
        };
    }

    public ValueTask SaveAsync(bool isDark) =>
        js.InvokeVoidAsync("localStorage.setItem", StorageKey, isDark ? "dark" : "light");
}
