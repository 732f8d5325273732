using System.Security.Claims;
using System.Text.Json;
using BalcaoVirtual.Web.Features.Auth;
using BalcaoVirtual.Web.Infrastructure.Storage;
using StackExchange.Redis;

namespace BalcaoVirtual.Web.Features.Conversations;

/// <summary>One thing a person did to a conversation.</summary>
public sealed record AuditEntry(DateTimeOffset At, string UserId, string Action, string? Detail);

/// <summary>
/// What a clerk's action asks for: the new record, optionally a note for the thread (never sent), and optionally what
/// the citizen is told through their channel (a transfer, a close).
/// </summary>
public sealed record ActionPlan(Conversation After, string? Note = null, string? Tell = null);

/// <summary>
/// Applies a clerk's action (claim, assign, close, reopen, transfer, note) in one transaction on the conversation's slot:
/// the new record, what observers write with it (the SLA's periods), the note, and the audit entry; only if nobody
/// changed the conversation meanwhile (tried again on the fresh record).
/// </summary>
public sealed class ConversationActions(
    ConversationStore store, ConversationObservers observers, RedisConnections redis, RedisKeys keys, Privacy.AuditTrail trail, Outbox outbox,
    WhatsAppWindowGuard window, TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Null when the conversation does not exist (or kept changing: <paramref name="busy"/> is then true). The plan
    /// function sees the current record and may return null to change nothing (the action is still audited).
    /// </summary>
    public async Task<(Conversation? Conversation, bool Busy)> ApplyAsync(
        string id, ClaimsPrincipal user, string action, string? detail, Func<Conversation, DateTimeOffset, ActionPlan?> plan, string? reason = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var userId = user.UserId();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var (before, raw) = await store.GetWithVersionAsync(id).ConfigureAwait(false);
            if (before is null)
            {
                return (null, false);
            }

            var now = time.GetUtcNow();
            var planned = plan(before, now);
            var after = planned?.After ?? before;
            var observed = planned is null ? [] : await observers.PrepareAsync(before, after, new ChangeContext(userId, reason)).ConfigureAwait(false);
            var tran = redis.GetDatabase().CreateTransaction();
            tran.AddCondition(Condition.StringEqual(keys.Conversation(id), raw));
            if (planned is not null)
            {
                store.AddSave(tran, after);
                ConversationObservers.AddWrites(tran, observed);
            }

            if (planned?.Note is { } note)
            {
                store.AddAppend(tran, id, new Message
                {
                    Id = InboundStore.NewId(now),
                    Direction = MessageDirection.Internal,
                    Channel = before.Channel,
                    Author = MessageAuthor.Clerk,
                    AuthorId = userId,
                    Text = note,
                    CreatedAt = now,
                });
            }

            // Staff alert threads have no citizen to tell; nor has a WhatsApp citizen outside the 24-hour window, where the
            // notice would be held behind the "an answer is waiting" template, which a close or a transfer is not.
            var tell = planned?.Tell is { } told && !after.Staff && (!WhatsAppWindowGuard.Guards(after) || await window.IsOpenAsync(after).ConfigureAwait(false))
                ? told
                : null;
            if (tell is not null)
            {
                outbox.AddQueue(tran, after, tell, MessageAuthor.System, userId);
            }

            _ = tran.ListRightPushAsync(keys.ConversationAudit(id), JsonSerializer.Serialize(new AuditEntry(now, userId, action, detail), Json));
            if (!await tran.ExecuteAsync().ConfigureAwait(false))
            {
                continue;
            }

            if (tell is not null)
            {
                await outbox.SignalAsync().ConfigureAwait(false);
            }

            if (planned is not null)
            {
                await store.IndexAsync(before, after).ConfigureAwait(false);
                await ConversationObservers.AfterCommitAsync(observed).ConfigureAwait(false);
            }

            await trail.RecordAsync("conversation." + action, id, detail, userId).ConfigureAwait(false);
            return (after, false);
        }

        return (null, true);
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
