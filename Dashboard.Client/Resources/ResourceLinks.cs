using Dashboard.Shared.Live;

namespace Dashboard.Client.Resources;

/// <summary>Where a row leads: every part of the address escaped, since names come from the clusters.</summary>
public static class ResourceLinks
{
    /// <summary>The object's detail page: /resources/{plural}/{cluster}/{namespace}/{name}, namespace "-" when cluster-scoped.</summary>
    public static string Detail(string plural, ViewRow row) =>
        $"resources/{Uri.EscapeDataString(plural)}/{Uri.EscapeDataString(row.Cluster)}/" +
        $"{Uri.EscapeDataString(string.IsNullOrEmpty(row.Namespace) ? "-" : row.Namespace)}/{Uri.EscapeDataString(row.Name)}";

    /// <summary>
    /// A CustomResourceDefinition's objects: its name is "{plural}.{group}" (the API server insists), so the
    /// plural is the name's first part.
    /// </summary>
    public static string CustomResources(ViewRow crd)
    {
        var dot = crd.Name.IndexOf('.', StringComparison.Ordinal);
        return ResourceKinds.ListHref(dot > 0 ? crd.Name[..dot] : crd.Name);
    }
}
