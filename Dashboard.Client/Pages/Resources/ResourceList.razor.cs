using Dashboard.Client.Resources;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;

namespace Dashboard.Client.Pages.Resources;

/// <summary>
/// The list of any kind, built-in or a CRD's, by its plural: /resources/statefulsets. The address carries
/// what the list shows (cluster and namespace, repeatable; q; sort; desc), so a link opens it as it was and
/// every change replaces the address (no history entry per keystroke).
/// </summary>
public sealed partial class ResourceList
{
    private ResourceListState _state = ResourceListState.Empty;
    private int _generation;

    [Inject]
    public required NavigationManager Navigation { get; set; }

    /// <summary>The kind's plural, e.g. "statefulsets" or a CRD's "certificates".</summary>
    [Parameter]
    [EditorRequired]
    public required string Kind { get; set; }

    private string Title => ResourceKinds.TitleOf(Kind);

    protected override void OnInitialized() => Navigation.LocationChanged += OnLocationChanged;

    // Another kind comes as a parameter; the address's query alone changing re-renders no page, hence both.
    protected override void OnParametersSet() => Restore(Navigation.Uri);

    private void OnLocationChanged(object? sender, LocationChangedEventArgs e)
    {
        if (Restore(e.Location))
        {
            _ = InvokeAsync(StateHasChanged);
        }
    }

    /// <summary>An address this page did not write (a link, the back button) starts the table again from it.</summary>
    private bool Restore(string uri)
    {
        var state = ResourceListState.FromUri(uri);
        if (state.SameAs(_state))
        {
            return false;
        }

        _state = state;
        _generation++;
        return true;
    }

    private void OnStateChanged(ResourceListState state)
    {
        _state = state;
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(state.QueryParameters), replace: true);
    }

    public void Dispose() => Navigation.LocationChanged -= OnLocationChanged;
}
