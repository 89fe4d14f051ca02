using Microsoft.AspNetCore.Components;

namespace Dashboard.Client.Access;

/// <summary>The way to the sign-in page and back from it.</summary>
public static class SignInAddress
{
    public const string Page = "signin";

    private const string Root = "/";

    /// <summary>The sign-in page, remembering where the user is now (as the server's own redirect does).</summary>
    public static string For(NavigationManager navigation)
    {
        var here = Root + navigation.ToBaseRelativePath(navigation.Uri);
        return here == Root ? Page : $"{Page}?returnUrl={Uri.EscapeDataString(here)}";
    }

    /// <summary>
    /// Where to go after signing in: the requested address only when it is a path of this site, else the
    /// start page. Anything else would let a crafted sign-in link send a user to another site (an open redirect).
    /// </summary>
    public static string ReturnTarget(string? returnUrl) =>
        returnUrl is not null && IsLocalPath(returnUrl) && !IsSignInPage(returnUrl) ? returnUrl : Root;

    private static bool IsLocalPath(string url) =>
        url.StartsWith('/')
        && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) // "//host" and "/\host" name another host
        && !url.Any(char.IsControl); // browsers drop tabs and newlines, so "/\t/host" would become "//host"

    private static bool IsSignInPage(string url) =>
        url.AsSpan(1).StartsWith(Page, StringComparison.OrdinalIgnoreCase)
        && (url.Length == Page.Length + 1 || url[Page.Length + 1] is '?' or '/' or '#');
}
