using System.Security.Claims;
using BalcaoVirtual.Web.Features.Auth;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Infrastructure.Http;
using BalcaoVirtual.Web.Infrastructure.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BalcaoVirtual.Web.Features.Inbox;

/// <summary>GET /api/conversations/{id}/contact: what the clerk's units know of the citizen.</summary>
public sealed record ContactPanel(Channel Channel, List<string> CaseNumbers, IEnumerable<EarlierConversation> Earlier, int EarlierCount, IEnumerable<ContactNote> Notes);

/// <summary>Another conversation of the same citizen, with the first line of what they asked last.</summary>
public sealed record EarlierConversation(
    string Id, string? UnitId, ConversationState State, Channel Channel, DateTimeOffset CreatedAt, DateTimeOffset LastActivityAt,
    IReadOnlyList<string> ProcessNumbers, string? Last);

/// <summary>A unit's internal note about the citizen, CPFs masked.</summary>
public sealed record ContactNote(string ConversationId, string Text, DateTimeOffset At, string? AuthorId, string? AuthorName);

/// <summary>
/// The contact panel beside a conversation: the citizen's other conversations in the clerk's units (the newest first,
/// each with its first line), every case number they mentioned there, and the units' internal notes about them. Only
/// what the clerk's units hold: another unit's conversation with the same citizen is not shown, nor counted.
/// </summary>
internal static class InboxContact
{
    public const int MaxEarlier = 10;
    public const int MaxNotes = 20;

    /// <summary>How far back a contact's conversations are read (the newest first).</summary>
    private const int LookBack = 50;

    public static IEndpointRouteBuilder MapInboxContact(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/conversations/{id}/contact", GetAsync).RequireAuthorization();
        return app;
    }

    private static async Task<Results<Ok<ContactPanel>, Refusal>> GetAsync(string id, ClaimsPrincipal user, ConversationStore store, RedisConnections redis, RedisKeys keys, UserStore users)
    {
        var (conversation, refusal) = await ConversationsFeature.GuardAsync(id, user, store).ConfigureAwait(false);
        if (refusal is not null)
        {
            return refusal;
        }

        var ids = await redis.GetDatabase().SortedSetRangeByRankAsync(keys.ContactConversations(RedisKeys.ContactOf(id)), 0, LookBack - 1, StackExchange.Redis.Order.Descending)
            .ConfigureAwait(false);
        var others = (await Task.WhenAll(ids.Select(v => v.ToString()).Where(other => other != id).Select(store.GetAsync)).ConfigureAwait(false))
            .OfType<Conversation>()
            .Where(c => c.AnonymizedAt is null && user.CanAccessUnit(c.UnitId))
            .OrderByDescending(c => c.CreatedAt)
            .ToList();
        var threads = await Task.WhenAll(others.Prepend(conversation!).Select(async c => (Conversation: c, Messages: await store.GetMessagesAsync(c.Id).ConfigureAwait(false))))
            .ConfigureAwait(false);
        var notes = threads
            .SelectMany(t => t.Messages.Where(m => m is { Direction: MessageDirection.Internal, Author: MessageAuthor.Clerk }).Select(m => (t.Conversation, Note: m)))
            .OrderByDescending(n => n.Note.CreatedAt)
            .Take(MaxNotes)
            .ToList();
        var names = await users.NamesAsync(notes.Select(n => n.Note.AuthorId)).ConfigureAwait(false);

        return TypedResults.Ok(new ContactPanel(
            conversation!.Channel,
            threads.SelectMany(t => t.Conversation.ProcessNumbers).Distinct(StringComparer.Ordinal).ToList(),
            threads.Skip(1).Take(MaxEarlier).Select(t => new EarlierConversation(
                t.Conversation.Id,
                t.Conversation.UnitId,
                t.Conversation.State,
                t.Conversation.Channel,
                t.Conversation.CreatedAt,
                t.Conversation.LastActivityAt,
                t.Conversation.ProcessNumbers,
                t.Messages.LastOrDefault(m => m.Author == MessageAuthor.Citizen && m.Direction == MessageDirection.Inbound) is { } asked
                    ? InboxQueries.Preview(asked)
                    : null)),
            others.Count,
            notes.Select(n => new ContactNote(
                n.Conversation.Id,
                Privacy.CpfMask.Mask(n.Note.Text),
                n.Note.CreatedAt,
                n.Note.AuthorId,
                n.Note.AuthorId is { } author ? names.GetValueOrDefault(author) : null))));
    }
}
