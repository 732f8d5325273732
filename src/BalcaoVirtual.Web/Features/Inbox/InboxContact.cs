using System.Security.Claims;
using BalcaoVirtual.Web.Features.Auth;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Infrastructure.Storage;

namespace BalcaoVirtual.Web.Features.Inbox;

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

    private static async Task<IResult> GetAsync(string id, ClaimsPrincipal user, ConversationStore store, RedisConnections redis, RedisKeys keys, UserStore users)
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

        return Results.Ok(new
        {
            conversation!.Channel,
            caseNumbers = threads.SelectMany(t => t.Conversation.ProcessNumbers).Distinct(StringComparer.Ordinal).ToList(),
            earlier = threads.Skip(1).Take(MaxEarlier).Select(t => new
            {
                t.Conversation.Id,
                t.Conversation.UnitId,
                t.Conversation.State,
                t.Conversation.Channel,
                t.Conversation.CreatedAt,
                t.Conversation.LastActivityAt,
                t.Conversation.ProcessNumbers,
                last = t.Messages.LastOrDefault(m => m.Author == MessageAuthor.Citizen && m.Direction == MessageDirection.Inbound) is { } asked
                    ? InboxQueries.Preview(asked)
                    : null,
            }),
            earlierCount = others.Count,
            notes = notes.Select(n => new
            {
                conversationId = n.Conversation.Id,
                text = Privacy.CpfMask.Mask(n.Note.Text),
                at = n.Note.CreatedAt,
                authorId = n.Note.AuthorId,
                authorName = n.Note.AuthorId is { } author ? names.GetValueOrDefault(author) : null,
            }),
        });
    }
}
