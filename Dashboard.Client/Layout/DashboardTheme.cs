using MudBlazor;

namespace Dashboard.Client.Layout;

internal static class DashboardTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight { Primary = "#326ce5", AppbarBackground = "#1f3a6e" },
        PaletteDark = new PaletteDark { Primary = "#6f9cf2", AppbarBackground = "#1b1f2a" },
    };
}
