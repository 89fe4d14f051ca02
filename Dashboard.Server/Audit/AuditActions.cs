namespace Dashboard.Server.Audit;

/// <summary>The actions the dashboard records. Dotted, area first, so that "auth.*" filters a whole area.</summary>
public static class AuditActions
{
    public const string SignIn = "auth.signin";
    public const string Lockout = "auth.lockout";
    public const string SignOut = "auth.signout";
    public const string Denied = "access.denied";
    public const string TokenCreate = "token.create";
    public const string TokenRevoke = "token.revoke";
    public const string UserCreate = "user.create";
    public const string UserDisable = "user.disable";
    public const string UserEnable = "user.enable";
    public const string UserPasswordReset = "user.password.reset";
    public const string TeamCreate = "team.create";
    public const string TeamUpdate = "team.update";
    public const string TeamDelete = "team.delete";
    public const string TeamMemberAdd = "team.member.add";
    public const string TeamMemberRemove = "team.member.remove";
    public const string BindingCreate = "binding.create";
    public const string BindingDelete = "binding.delete";
    public const string ClusterAdd = "cluster.add";
    public const string ClusterRelabel = "cluster.relabel";
    public const string ClusterRemove = "cluster.remove";
    public const string Prune = "audit.prune";
}
