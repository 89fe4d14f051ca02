using Dashboard.Client.Access;
using Dashboard.Shared.Access;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using MudBlazor;

namespace Dashboard.Client.Pages.Admin;

/// <summary>Registered clusters: add one from a kubeconfig (pasted or read from a file), edit its labels, remove it.</summary>
public sealed partial class Clusters : ApiComponentBase
{
    internal const string ClustersPath = "api/admin/clusters";

    /// <summary>Kubeconfigs are a few kilobytes; a bigger file is something else.</summary>
    private const long MaxKubeconfigBytes = 1024 * 1024;

    private static readonly ClusterLabelsRequest NoLabels = new(null, null, null);

    private List<RegisteredCluster>? _clusters;
    private string _kubeconfig = "";
    private string? _fileName;
    private string _context = "";
    private string _name = "";
    private ClusterLabelsRequest _labels = NoLabels;
    private Guid? _editing;
    private ClusterLabelsRequest _editLabels = NoLabels;

    [Inject]
    private IDialogService Dialogs { get; set; } = null!;

    protected override Task OnInitializedAsync() =>
        CallAsync(async () => _clusters = [.. (await Api.GetAsync<RegisteredCluster[]>(ClustersPath)).OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase)]);

    private async Task ReadKubeconfigFileAsync(IBrowserFile? file)
    {
        if (file is null)
        {
            return;
        }

        try
        {
            await using var stream = file.OpenReadStream(MaxKubeconfigBytes);
            using var reader = new StreamReader(stream);
            _kubeconfig = await reader.ReadToEndAsync();
            _fileName = file.Name;
            Error = null;
        }
        catch (IOException)
        {
            Error = $"{file.Name} is larger than 1 MiB: that is not a kubeconfig.";
        }
    }

    private async Task AddAsync()
    {
        if (string.IsNullOrWhiteSpace(_kubeconfig))
        {
            Error = "Paste a kubeconfig, or read one from a file.";
            return;
        }

        var request = new AddClusterRequest(_kubeconfig, Optional(_context), Optional(_name),
            Optional(_labels.Provider), Optional(_labels.Environment), Optional(_labels.Region));
        await CallAsync(async () =>
        {
            var added = await Api.PostAsync<RegisteredCluster>(ClustersPath, request);
            Replace(added);

            // The credentials leave the page once the server has them.
            _kubeconfig = "";
            _fileName = null;
            _context = "";
            _name = "";
            _labels = NoLabels;
            Snackbar.Add($"Cluster {added.Name} added; the dashboard starts watching it.", Severity.Success);
        });
    }

    private void StartEdit(RegisteredCluster cluster)
    {
        _editing = cluster.Id;
        _editLabels = new ClusterLabelsRequest(cluster.Provider, cluster.Environment, cluster.Region);
    }

    private async Task SaveLabelsAsync(RegisteredCluster cluster)
    {
        var labels = new ClusterLabelsRequest(Optional(_editLabels.Provider), Optional(_editLabels.Environment), Optional(_editLabels.Region));
        var saved = await CallAsync(async () =>
        {
            await Api.PutAsync($"{ClustersPath}/{cluster.Id}/labels", labels);
            Replace(cluster with { Provider = labels.Provider, Environment = labels.Environment, Region = labels.Region });
        }, $"Labels of {cluster.Name} saved.");
        if (saved)
        {
            _editing = null;
        }
    }

    private async Task RemoveAsync(RegisteredCluster cluster)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync(
            "Remove cluster",
            $"Remove the cluster \"{cluster.Name}\"? The dashboard stops watching it and forgets its credentials.",
            yesText: "Remove",
            cancelText: "Cancel");
        if (confirmed != true)
        {
            return;
        }

        await CallAsync(async () =>
        {
            await Api.DeleteAsync($"{ClustersPath}/{cluster.Id}");
            _clusters?.RemoveAll(c => c.Id == cluster.Id);
        }, $"Cluster {cluster.Name} removed.");
    }

    private void Replace(RegisteredCluster cluster)
    {
        _clusters ??= [];
        _clusters.RemoveAll(c => c.Id == cluster.Id);
        _clusters.Add(cluster);
        _clusters.Sort((a, b) => StringComparer.OrdinalIgnoreCase.Compare(a.Name, b.Name));
    }

    private static string? Optional(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
