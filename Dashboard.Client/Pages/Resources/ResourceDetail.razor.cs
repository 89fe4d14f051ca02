using System.Net;
using Dashboard.Client.Access;
using Dashboard.Shared.Fleet;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;

namespace Dashboard.Client.Pages.Resources;

/// <summary>
/// The detail of any object: overview (summary, conditions, labels, containers, relations), its events, its YAML
/// (read when the tab opens) and, for a pod, its logs (streamed while following). Everything shown came from a
/// cluster: it is rendered as text only.
/// </summary>
public sealed partial class ResourceDetail : ApiComponentBase, IDisposable
{
    internal const int OverviewTab = 0;
    internal const int EventsTab = 1;
    internal const int YamlTab = 2;
    internal const int HistoryTab = 3;
    internal const int LogsTab = 4;

    private Dashboard.Shared.Fleet.ResourceDetail? _detail;
    private string? _loadedAddress;
    private int _activeTab;
    private string? _yaml;
    private string? _yamlError;
    private bool _yamlLoading;
    private string? _editing;
    private string? _saveError;
    private bool _saving;
    private readonly PodLogViewModel _log = new();

    [Parameter]
    public string Plural { get; set; } = "";

    [Parameter]
    public string Cluster { get; set; } = "";

    [Parameter]
    public string Namespace { get; set; } = "";

    [Parameter]
    public string Name { get; set; } = "";

    [Inject]
    private HttpClient Http { get; set; } = null!;

    [Inject]
    private CurrentSession Session { get; set; } = null!;

    [Inject]
    private IJSRuntime Js { get; set; } = null!;

    /// <summary>The object's API address: api/objects/{plural}/{cluster}/{namespace}/{name}, every part escaped.</summary>
    internal string ApiPath => $"api/objects/{Esc(Plural)}/{Esc(Cluster)}/{Esc(Namespace)}/{Esc(Name)}";

    private bool IsPod => Plural == "pods";

    protected override async Task OnParametersSetAsync()
    {
        if (_loadedAddress == ApiPath)
        {
            return;
        }

        // Another object (a relation was followed): start afresh on its overview.
        _loadedAddress = ApiPath;
        _detail = null;
        _yaml = null;
        _yamlError = null;
        _activeTab = OverviewTab;
        _log.Reset();
        await CallAsync(async () => _detail = await Api.GetAsync<Dashboard.Shared.Fleet.ResourceDetail>(ApiPath));
    }

    /// <summary>A workload's desired replicas, as the store's projection of it says.</summary>
    private int? DesiredReplicas =>
        _detail?.Summary.Projection is System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.Object } p &&
        p.TryGetProperty("desired", out var desired) && desired.TryGetInt32(out var n) ? n : null;

    /// <summary>After an action the object is read again (a deleted one then says so).</summary>
    private async Task OnActionDoneAsync(Dashboard.Shared.Actions.ActionResult result)
    {
        _yaml = null;
        await CallAsync(async () => _detail = await Api.GetAsync<Dashboard.Shared.Fleet.ResourceDetail>(ApiPath));
    }

    private async Task OnTabChangedAsync(int index)
    {
        _activeTab = index;
        if (index == YamlTab && _yaml is null && !_yamlLoading)
        {
            await LoadYamlAsync();
        }
        else if (index == LogsTab && IsPod && !_log.Started)
        {
            StartLog();
        }
    }

    private async Task LoadYamlAsync()
    {
        _yamlLoading = true;
        _yamlError = null;
        try
        {
            _yaml = await GetTextAsync($"{ApiPath}/yaml");
        }
        catch (ApiException e)
        {
            _yamlError = e.Message;
        }
        catch (HttpRequestException)
        {
            _yamlError = "The server could not be reached. Try again in a moment.";
        }
        finally
        {
            _yamlLoading = false;
        }
    }

    /// <summary>Operators may edit (the server decides for this object); a Secret's values never reach the browser, so it is not editable.</summary>
    private bool MayEdit => Plural != "secrets" && Session.User is { } user &&
                            (user.IsAdmin || user.Grants.Any(g => g.Role >= Dashboard.Shared.Access.TeamRole.Operator));

    private async Task SaveYamlAsync()
    {
        if (_editing is null)
        {
            return;
        }

        _saving = true;
        _saveError = null;
        try
        {
            var result = await Api.PutTextAsync<Dashboard.Shared.Actions.ActionResult>($"{ApiPath}/yaml", _editing, "application/yaml");
            Snackbar.Add(result.Message, Severity.Success);
            _editing = null;
            await LoadYamlAsync();
            await CallAsync(async () => _detail = await Api.GetAsync<Dashboard.Shared.Fleet.ResourceDetail>(ApiPath));
        }
        catch (ApiException e)
        {
            _saveError = e.Status == HttpStatusCode.Conflict
                ? $"{e.Message} Someone changed it since you opened it: copy your change, cancel, and edit the current version."
                : e.Message;
        }
        catch (HttpRequestException)
        {
            _saveError = "The server could not be reached. Try again in a moment.";
        }
        finally
        {
            _saving = false;
        }
    }

    private async Task<string> GetTextAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        if (!response.IsSuccessStatusCode)
        {
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                Session.End();
            }

            throw await ApiException.FromResponseAsync(response);
        }

        return await response.Content.ReadAsStringAsync();
    }

    private async Task CopyYamlAsync()
    {
        if (_yaml is null)
        {
            return;
        }

        try
        {
            await Js.InvokeVoidAsync("navigator.clipboard.writeText", _yaml);
            Snackbar.Add("YAML copied to the clipboard.", Severity.Success);
        }
        catch (JSException)
        {
            Snackbar.Add("The browser refused the clipboard: select the text and copy it by hand.", Severity.Warning);
        }
    }

    private void StartLog() => _log.Start(Http, $"{ApiPath}/logs", OnLogChangedAsync, Session.End);

    private Task OnLogChangedAsync() => InvokeAsync(StateHasChanged);

    private void ChooseContainer(string container)
    {
        _log.Container = container;
        StartLog();
    }

    private void SetPrevious(bool previous)
    {
        _log.Previous = previous;
        if (previous)
        {
            _log.Follow = false; // a terminated container's log is complete
        }

        StartLog();
    }

    private void SetFollow(bool follow)
    {
        _log.Follow = follow;
        if (follow)
        {
            _log.Previous = false;
        }

        StartLog();
    }

    private IEnumerable<ContainerDetail> LogContainers => _detail?.Summary is null ? [] : _detail.Containers;

    private string? SelectedContainer => _log.Container ?? LogContainers.FirstOrDefault(c => !c.Init)?.Name;

    private static string Esc(string value) => Uri.EscapeDataString(value);

    public void Dispose() => _log.Dispose();
}
