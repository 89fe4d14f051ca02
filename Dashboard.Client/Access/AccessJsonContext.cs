using System.Text.Json;
using System.Text.Json.Serialization;
using Dashboard.Shared.Access;

namespace Dashboard.Client.Access;

/// <summary>
/// The JSON the access API speaks (web defaults, enums as strings), generated at build time: the browser's
/// trimmed runtime then needs no reflection over these records.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(SignInOptions))]
[JsonSerializable(typeof(SignInRequest))]
[JsonSerializable(typeof(CurrentUser))]
[JsonSerializable(typeof(UserSummary[]))]
[JsonSerializable(typeof(UserSummary))]
[JsonSerializable(typeof(CreateUserRequest))]
[JsonSerializable(typeof(ResetPasswordRequest))]
[JsonSerializable(typeof(SetDisabledRequest))]
[JsonSerializable(typeof(TeamSummary[]))]
[JsonSerializable(typeof(TeamSummary))]
[JsonSerializable(typeof(TeamRequest))]
[JsonSerializable(typeof(AddMemberRequest))]
[JsonSerializable(typeof(BindingRequest))]
[JsonSerializable(typeof(BindingSummary))]
[JsonSerializable(typeof(ApiTokenSummary[]))]
[JsonSerializable(typeof(CreateApiTokenRequest))]
[JsonSerializable(typeof(CreatedApiToken))]
[JsonSerializable(typeof(RegisteredCluster[]))]
[JsonSerializable(typeof(RegisteredCluster))]
[JsonSerializable(typeof(AddClusterRequest))]
[JsonSerializable(typeof(ClusterLabelsRequest))]
[JsonSerializable(typeof(Dashboard.Shared.Fleet.ResourceDetail))]
[JsonSerializable(typeof(List<Dashboard.Shared.Search.SearchHit>))]
[JsonSerializable(typeof(Dashboard.Shared.Drift.DriftReport))]
[JsonSerializable(typeof(Dashboard.Shared.Topology.TopologyGraph))]
[JsonSerializable(typeof(Dashboard.Shared.Actions.ActionRequest))]
[JsonSerializable(typeof(Dashboard.Shared.Actions.ActionResult))]
[JsonSerializable(typeof(Dashboard.Shared.Audit.AuditPage))]
internal sealed partial class AccessJsonContext : JsonSerializerContext;
