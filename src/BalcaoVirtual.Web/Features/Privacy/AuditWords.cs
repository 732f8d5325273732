using BalcaoVirtual.Web.Features.Auth;
using BalcaoVirtual.Web.Resources;

namespace BalcaoVirtual.Web.Features.Privacy;

/// <summary>
/// The audit trail in words an administrator reads: the actor by name and the action in Portuguese (texts
/// "AuditAction.{code}"). What has no words yet (an action added later, a user since removed) stays as its code.
/// </summary>
internal static class AuditWords
{
    /// <summary>Who the trail writes for the server's shell (<see cref="AdminCommand"/>) and for a caller without a session.</summary>
    public const string Shell = "shell";
    public const string Anonymous = "anonymous";
    private const string UnknownPrefix = "unknown:";

    public static string? ActionName(string action) => Texts.Find("AuditAction." + action);

    public static string WhoName(string who, IReadOnlyDictionary<string, User> users) => who switch
    {
        Shell => Texts.Get("AuditWhoShell"),
        Anonymous => Texts.Get("AuditWhoAnonymous"),
        _ when who.StartsWith(UnknownPrefix, StringComparison.Ordinal) => Texts.Format("AuditWhoUnknownEmail", who[UnknownPrefix.Length..]),
        _ => users.TryGetValue(who, out var user) ? user.Name : who,
    };
}
