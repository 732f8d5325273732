using System.Security.Claims;
using System.Text.Json;
using BalcaoVirtual.Web.Features.Auth;
using BalcaoVirtual.Web.Infrastructure.Storage;
using StackExchange.Redis;

namespace BalcaoVirtual.Web.Features.Conversations;

/// <summary>One thing a person did to a conversation.</summary>
public sealed record AuditEntry(DateTimeOffset At, string UserId, string Action, string? Detail);

/// <summary>
/// What a clerk's action asks for: the new record, optionally a note for the thread (never sent), an answer to the
/// citizen (<paramref name="Send"/>), what the citizen is told about the action itself (a transfer, a close), and a
/// question the assistant asks after it (<paramref name="Ask"/>: the satisfaction survey after a close).
/// </summary>
public sealed record ActionPlan(Conversation After, string? Note = null, string? Tell = null, Outgoing? Send = null, string? Ask = null);

/// <summary>
/// A person's action on a conversation (reply, claim, assign, close, reopen, transfer, note) as one
/// <see cref="ConversationChanges"/> change: the new record, what it sends, the note and the conversation's audit
/// entry commit together, decided again if someone changed the conversation meanwhile; then the audit trail.
/// </summary>
public sealed class ConversationActions(
    ConversationChanges changes, RedisConnections redis, RedisKeys keys, Privacy.AuditTrail trail, WhatsAppWindowGuard window, TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// The plan function sees the current record and may return null to change nothing (the action is still audited).
    /// </summary>
    public async Task<ChangeResult> ApplyAsync(
        string id, ClaimsPrincipal user, string action, string? detail, Func<Conversation, DateTimeOffset, ActionPlan?> plan, string? reason = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var userId = user.UserId();
        var result = await changes.ApplyAsync(id, async (before, now) =>
        {
            var planned = plan(before, now);
            var after = planned?.After ?? before;
            // Staff alert threads have no citizen to tell; nor has a WhatsApp citizen outside the 24-hour window, where the
            // notice would be held behind the "an answer is waiting" template, which a close or a transfer is not.
            var reachable = (planned?.Tell ?? planned?.Ask) is not null && !after.Staff
                && (!WhatsAppWindowGuard.Guards(after) || await window.IsOpenAsync(after).ConfigureAwait(false));
            if (!reachable && planned?.Ask is not null)
            {
                // A survey that cannot be sent is not asked (nor counted as asked).
                planned = planned with { After = planned.After with { Surveys = before.Surveys } };
            }

            return new ConversationChange
            {
                After = planned?.After,
                Context = new ChangeContext(userId, reason),
                Note = planned?.Note,
                Send = [.. new[]
                {
                    planned?.Send,
                    reachable && planned?.Tell is { } tell ? new Outgoing(tell, MessageAuthor.System, userId) : null,
                    reachable && planned?.Ask is { } ask ? new Outgoing(ask, MessageAuthor.Bot, Acts: ["survey"]) : null,
                }.OfType<Outgoing>()],
                Audit = new AuditEntry(now, userId, action, detail),
            };
        }).ConfigureAwait(false);
        if (result.Outcome == ChangeOutcome.Done)
        {
            await trail.RecordAsync("conversation." + action, id, detail, userId).ConfigureAwait(false);
        }

        return result;
    }

    public async Task<IReadOnlyList<AuditEntry>> AuditAsync(string id)
    {
        var values = await redis.GetDatabase().ListRangeAsync(keys.ConversationAudit(id)).ConfigureAwait(false);
        return [.. values.Select(v => JsonSerializer.Deserialize<AuditEntry>(v.ToString(), Json)!)];
    }

    /// <summary>Records an action that changed nothing in the record (a reply, which goes through the outbox; a reveal).</summary>
    public async Task RecordAsync(string id, ClaimsPrincipal user, string action, string? detail)
    {
        await redis.GetDatabase().ListRightPushAsync(keys.ConversationAudit(id),
            JsonSerializer.Serialize(new AuditEntry(time.GetUtcNow(), user.UserId(), action, detail), Json)).ConfigureAwait(false);
        await trail.RecordAsync("conversation." + action, id, detail, user.UserId()).ConfigureAwait(false);
    }
}
