using System.Security.Claims;
using System.Text.Json;
using BalcaoVirtual.Web.Features.Auth;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Court;
using BalcaoVirtual.Web.Features.Sla;
using BalcaoVirtual.Web.Features.Units;
using BalcaoVirtual.Web.Infrastructure.Http;
using BalcaoVirtual.Web.Infrastructure.Storage;
using BalcaoVirtual.Web.Resources;
using Microsoft.AspNetCore.Http.HttpResults;
using StackExchange.Redis;

namespace BalcaoVirtual.Web.Features.Inbox;

/// <summary>What the inbox list asks for. Assignee: a user id, "me" (resolved before) or "none".</summary>
public sealed record InboxFilter(
    IReadOnlyCollection<string> Units, ConversationState State, Channel? Channel, string? Assignee, bool BreachedOnly, string? Search, int Page, int PageSize,
    string? Label = null);

/// <summary>The workspace's tabs over the waiting queue, with how many each holds.</summary>
public sealed record InboxCounts(long Mine, long Unassigned, long All, long Breached);

/// <summary>What the clerk needs to know about a conversation in the list without opening it.</summary>
public sealed record InboxPreview(string Text, MessageAuthor Author, MessageDirection Direction, DateTimeOffset At);

/// <summary>One row of the workspace's list.</summary>
public sealed record InboxRow(Conversation Conversation, InboxPreview? Last, string? AssigneeName, int Unread);

/// <param name="Truncated">A word search found more than it reads (the most recent are shown): the clerk may add words.</param>
public sealed record InboxPage(IReadOnlyList<InboxRow> Rows, int Page, int PageSize, long Total, InboxCounts Counts, bool Truncated = false);

/// <summary>
/// GET /api/inbox: a page of rows, the tabs' counts, whether a search matched more than it reads, and for each unit
/// listed the typical time to a first answer the bot tells citizens their likely time from.
/// </summary>
public sealed record InboxList(IEnumerable<InboxItem> Items, int Page, int PageSize, long Total, InboxCounts Counts, bool Truncated, IReadOnlyList<InboxUnitPace> Paces);

/// <summary>A unit's typical time to a first answer (median of its latest answered waits), in its own counting; null with too few.</summary>
public sealed record InboxUnitPace(string UnitId, double? TypicalFirstAnswerMinutes, bool ServiceHours);

/// <summary>One row of the inbox: the conversation's fields the list shows, its holder's name, unread count and last message.</summary>
public sealed record InboxItem(
    string Id, string? UnitId, Channel Channel, ConversationState State, string ContactAddress, string? ContactName, string? Subject, DateTimeOffset? DueAt,
    string? AssigneeId, string? AssigneeName, IReadOnlyList<string> ProcessNumbers, IReadOnlyList<string> Labels, DateTimeOffset LastActivityAt, int Unread,
    InboxPreview? Last, DateTimeOffset? PaymentWarningAt, long? Place);

/// <summary>
/// The inbox list: waiting conversations by due time (from each unit's due index, or the index of those one clerk or
/// nobody holds, merged), the others by latest activity; filters by channel, assignee and breached; search by case
/// number or the phone's last four digits. Only ids are read until the page is known, unless a filter needs the records
/// (then they are read in one pipeline). Each row carries its last message, its holder's name and what the asking clerk
/// has not read.
/// </summary>
public sealed class InboxQueries(
    RedisConnections redis, RedisKeys keys, UserStore users, UnitCatalog catalog, ContactIds contactIds, ConversationWords words, TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private volatile bool indexed;

    public async Task<InboxPage> QueryAsync(InboxFilter filter, string? userId)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await EnsureWaitingByIndexAsync().ConfigureAwait(false);
        var db = redis.GetDatabase();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var counts = await CountAsync(db, filter.Units, userId, now).ConfigureAwait(false);
        var (items, total, truncated) = await FindAsync(db, filter, now).ConfigureAwait(false);
        return new InboxPage(await RowsAsync(db, items, userId).ConfigureAwait(false), filter.Page, filter.PageSize, total, counts, truncated);
    }

    private async Task<(IReadOnlyList<Conversation> Items, long Total, bool Truncated)> FindAsync(IDatabase db, InboxFilter filter, long now)
    {
        List<string> ids;
        var truncated = false;
        if (!string.IsNullOrEmpty(filter.Search))
        {
            // A case number is looked up whole; else the words (names, anything a person wrote), and four digits are also
            // the end of the citizen's phone number.
            if (CnjNumber.TryParse(filter.Search, out var number) == CnjNumberError.None)
            {
                ids = [.. (await db.SetMembersAsync(keys.ProcessConversations(number.Canonical)).ConfigureAwait(false)).Select(v => v.ToString())];
            }
            else
            {
                var byPhone = IsLastFour(filter.Search)
                    ? await Task.WhenAll(filter.Units.Select(u => db.SetMembersAsync(keys.UnitContactSuffix(u, filter.Search)))).ConfigureAwait(false)
                    : [];
                (var byWords, truncated) = await words.FindWithCapAsync(filter.Units, SearchTerms.QueryTerms(filter.Search)).ConfigureAwait(false);
                ids = [.. byPhone.SelectMany(v => v).Select(v => v.ToString()).Concat(byWords).Distinct()];
            }
        }
        else if (filter.Label is { } label && filter.State == ConversationState.Waiting)
        {
            // The waiting ones that bear the label, in the queue's order, however many the label has had: the smaller of
            // the two indexes is read whole and the other asked about it at once.
            var max = filter.BreachedOnly ? now : double.PositiveInfinity;
            var found = await Task.WhenAll(filter.Units.Select(u => WaitingWithLabelAsync(db, u, label, max))).ConfigureAwait(false);
            var queue = found.SelectMany(f => f).OrderBy(e => e.Due).ThenBy(e => e.Id, StringComparer.Ordinal).Select(e => e.Id).ToList();
            if (filter.Channel is null && filter.Assignee is null)
            {
                var page = await LoadAsync(db, [.. queue.Skip((filter.Page - 1) * filter.PageSize).Take(filter.PageSize)]).ConfigureAwait(false);
                var shown = page.Where(c => c is { State: ConversationState.Waiting, UnitId: { } u } && filter.Units.Contains(u) && c.Labels.Contains(label)).ToList();
                return (shown, queue.Count - (page.Count - shown.Count), false);
            }

            ids = queue;
        }
        else if (filter.Label is { } labelled)
        {
            // Answered or closed with a label: the latest first, as far back as the list reads; the records say the state.
            var lists = await Task.WhenAll(filter.Units.Select(u => db.SortedSetRangeByRankAsync(keys.UnitLabeled(u, labelled), 0, MaxLabeled - 1, Order.Descending))).ConfigureAwait(false);
            ids = [.. lists.SelectMany(l => l).Select(v => v.ToString())];
        }
        else if (filter.State == ConversationState.Waiting && (filter.Channel is null || filter.Assignee is null))
        {
            // The common case: only as many ids per unit as the page needs, merged by due time, and the count. Those one
            // clerk (or nobody) holds, and those of one channel, have an index of their own.
            RedisKey Source(string unit) => filter.Assignee is { } who ? keys.UnitWaitingBy(unit, who)
                : filter.Channel is { } channel ? keys.UnitWaitingVia(unit, ConversationStore.Via(channel))
                : keys.UnitDue(unit);
            var take = (long)filter.Page * filter.PageSize;
            var max = filter.BreachedOnly ? now : double.PositiveInfinity;
            var lists = await Task.WhenAll(filter.Units.Select(u =>
                db.SortedSetRangeByScoreWithScoresAsync(Source(u), double.NegativeInfinity, max, Exclude.Stop, Order.Ascending, 0, take))).ConfigureAwait(false);
            var sizes = await Task.WhenAll(filter.Units.Select(u => db.SortedSetLengthAsync(Source(u), double.NegativeInfinity, max, Exclude.Stop))).ConfigureAwait(false);
            var pageIds = lists.SelectMany(l => l).OrderBy(e => e.Score).ThenBy(e => e.Element.ToString(), StringComparer.Ordinal)
                .Skip((filter.Page - 1) * filter.PageSize).Take(filter.PageSize).Select(e => e.Element.ToString()).ToList();
            // An entry the record no longer bears out (a crash between a commit and its index step) is not shown, and goes.
            var loaded = await LoadAsync(db, pageIds).ConfigureAwait(false);
            var records = loaded.Where(c => c is { State: ConversationState.Waiting, UnitId: { } u } && filter.Units.Contains(u)
                && (filter.Assignee is null || ConversationStore.Holder(c) == filter.Assignee) && (filter.Channel is null || c.Channel == filter.Channel)).ToList();
            var stale = pageIds.Except(records.Select(c => c.Id)).ToList();
            foreach (var id in stale)
            {
                await Task.WhenAll(filter.Units.Select(u => db.SortedSetRemoveAsync(Source(u), id))).ConfigureAwait(false);
            }

            return (records, sizes.Sum() - stale.Count, false);
        }
        else if (filter.State == ConversationState.Waiting)
        {
            // A holder and a channel together: the holder's own index, then the records say the channel.
            RedisKey Candidates(string unit) => filter.Assignee is { } who ? keys.UnitWaitingBy(unit, who) : keys.UnitDue(unit);
            var lists = await Task.WhenAll(filter.Units.Select(u => filter.BreachedOnly
                ? db.SortedSetRangeByScoreWithScoresAsync(Candidates(u), double.NegativeInfinity, now, Exclude.Stop)
                : db.SortedSetRangeByRankWithScoresAsync(Candidates(u)))).ConfigureAwait(false);
            ids = [.. lists.SelectMany(l => l).OrderBy(e => e.Score).ThenBy(e => e.Element.ToString(), StringComparer.Ordinal).Select(e => e.Element.ToString())];
        }
        else
        {
            var state = ConversationStore.StateName(filter.State);
            var lists = await Task.WhenAll(filter.Units.Select(u => db.SortedSetRangeByRankWithScoresAsync(keys.UnitConversations(u, state), 0, 4999, Order.Descending))).ConfigureAwait(false);
            ids = [.. lists.SelectMany(l => l).OrderByDescending(e => e.Score).Select(e => e.Element.ToString())];
        }

        var needRecords = filter.Channel is not null || filter.Assignee is not null || !string.IsNullOrEmpty(filter.Search) || filter.Label is not null;
        if (!needRecords)
        {
            var pageIds = ids.Skip((filter.Page - 1) * filter.PageSize).Take(filter.PageSize).ToList();
            return (await LoadAsync(db, pageIds).ConfigureAwait(false), ids.Count, false);
        }

        var matching = (await LoadAsync(db, ids).ConfigureAwait(false)).Where(c =>
                c.UnitId is not null && filter.Units.Contains(c.UnitId)
                && (string.IsNullOrEmpty(filter.Search) ? c.State == filter.State : c.AnonymizedAt is null)
                && (filter.Channel is null || c.Channel == filter.Channel)
                && (filter.Assignee is null || ConversationStore.Holder(c) == filter.Assignee)
                && (filter.Label is null || c.Labels.Contains(filter.Label))
                && (!filter.BreachedOnly || (c.State == ConversationState.Waiting && c.DueAt is { } due && due.ToUnixTimeMilliseconds() < now)))
            .ToList();
        if (!string.IsNullOrEmpty(filter.Search) || filter.State != ConversationState.Waiting)
        {
            matching = [.. matching.OrderByDescending(c => c.LastActivityAt).ThenBy(c => c.Id, StringComparer.Ordinal)];
        }
        else if (filter.Label is not null)
        {
            matching = [.. matching.OrderBy(ConversationStore.DueScore).ThenBy(c => c.Id, StringComparer.Ordinal)];
        }

        return (matching.Skip((filter.Page - 1) * filter.PageSize).Take(filter.PageSize).ToList(), matching.Count, truncated);
    }

    /// <summary>A unit's waiting conversations that bear a label, with their due scores (up to <paramref name="max"/>).</summary>
    private async Task<IReadOnlyList<(string Id, double Due)>> WaitingWithLabelAsync(IDatabase db, string unit, string label, double max)
    {
        var (dueKey, labelKey) = (keys.UnitDue(unit), keys.UnitLabeled(unit, label));
        var sizes = await Task.WhenAll(db.SortedSetLengthAsync(dueKey), db.SortedSetLengthAsync(labelKey)).ConfigureAwait(false);
        if (sizes[0] == 0 || sizes[1] == 0)
        {
            return [];
        }

        if (sizes[1] <= sizes[0])
        {
            var labelled = await db.SortedSetRangeByRankAsync(labelKey).ConfigureAwait(false);
            var due = await db.SortedSetScoresAsync(dueKey, labelled).ConfigureAwait(false);
            return [.. labelled.Select((id, i) => (Id: id.ToString(), Due: due[i])).Where(e => e.Due is { } d && d < max).Select(e => (e.Id, e.Due!.Value))];
        }

        var queue = await db.SortedSetRangeByScoreWithScoresAsync(dueKey, double.NegativeInfinity, max, Exclude.Stop).ConfigureAwait(false);
        var marked = queue.Length == 0 ? [] : await db.SortedSetScoresAsync(labelKey, [.. queue.Select(e => e.Element)]).ConfigureAwait(false);
        return [.. queue.Where((_, i) => marked[i] is not null).Select(e => (e.Element.ToString(), e.Score))];
    }

    /// <summary>The tabs' counts over the units' waiting queues, from the indexes alone (one pipeline).</summary>
    private async Task<InboxCounts> CountAsync(IDatabase db, IReadOnlyCollection<string> units, string? userId, long now)
    {
        var mine = userId is null ? [] : units.Select(u => db.SortedSetLengthAsync(keys.UnitWaitingBy(u, userId))).ToArray();
        var nobody = units.Select(u => db.SortedSetLengthAsync(keys.UnitWaitingBy(u, "none"))).ToArray();
        var all = units.Select(u => db.SortedSetLengthAsync(keys.UnitDue(u))).ToArray();
        var breached = units.Select(u => db.SortedSetLengthAsync(keys.UnitDue(u), double.NegativeInfinity, now, Exclude.Stop)).ToArray();
        await Task.WhenAll(mine.Concat(nobody).Concat(all).Concat(breached)).ConfigureAwait(false);
        return new InboxCounts(mine.Sum(t => t.Result), nobody.Sum(t => t.Result), all.Sum(t => t.Result), breached.Sum(t => t.Result));
    }

    /// <summary>Each conversation's last message, its holder's name and the asking clerk's unread count, in one pipeline.</summary>
    private async Task<IReadOnlyList<InboxRow>> RowsAsync(IDatabase db, IReadOnlyList<Conversation> items, string? userId)
    {
        if (items.Count == 0)
        {
            return [];
        }

        // The last few messages: the preview is the last one not written by the chatbot (its greeting tells the clerk nothing).
        var recentIds = await Task.WhenAll(items.Select(c => db.ListRangeAsync(keys.ConversationMessageOrder(c.Id), -PreviewLookBack, -1))).ConfigureAwait(false);
        var recent = await Task.WhenAll(items.Select((c, i) => recentIds[i].Length == 0
            ? Task.FromResult(Array.Empty<RedisValue>())
            : db.HashGetAsync(keys.ConversationMessages(c.Id), recentIds[i]))).ConfigureAwait(false);
        var read = userId is null ? [] : await db.HashGetAsync(keys.UserRead(userId), [.. items.Select(c => (RedisValue)c.Id)]).ConfigureAwait(false);
        var names = await users.NamesAsync(items.Select(c => c.AssigneeId)).ConfigureAwait(false);

        return [.. items.Select((c, i) =>
        {
            var messages = recent[i].Where(v => !v.IsNullOrEmpty).Select(v => JsonSerializer.Deserialize<Message>(v.ToString(), Json)!).ToList();
            var last = messages.LastOrDefault(m => m.Author != MessageAuthor.Bot) ?? messages.LastOrDefault();
            var seen = read.Length > i && read[i].TryParse(out int n) ? n : 0;
            return new InboxRow(
                Privacy.CpfMask.Masked(c),
                last is null ? null : new InboxPreview(Preview(last), last.Author, last.Direction, last.CreatedAt),
                c.AssigneeId is { } holder ? names.GetValueOrDefault(holder) : null,
                Math.Max(0, c.CitizenMessages - seen));
        })];
    }

    /// <summary>The first line of a message, CPFs masked, short enough for a row on a phone.</summary>
    internal static string Preview(Message message)
    {
        var text = Privacy.CpfMask.Mask(message.Text).Trim();
        var line = text.Split('\n', 2)[0].Trim();
        if (line.Length == 0 && message.MediaUrls.Count > 0)
        {
            line = Texts.Get("InboxPreviewMedia");
        }

        return line.Length <= PreviewLength ? line : line[..(PreviewLength - 1)].TrimEnd() + "…";
    }

    internal const int PreviewLength = 120;

    /// <summary>2: holders and channels.</summary>
    private const string IndexVersion = "2";

    private const int PreviewLookBack = 6;

    /// <summary>What this user has seen of a conversation: every citizen message so far.</summary>
    public Task MarkReadAsync(string userId, Conversation conversation) =>
        redis.GetDatabase().HashSetAsync(keys.UserRead(userId), conversation.Id, conversation.CitizenMessages);

    /// <summary>
    /// A store written before the holders' index exists gets it once: every waiting conversation is added under its
    /// holder. Idempotent (several nodes may run it); changes meanwhile keep their own index entries current.
    /// </summary>
    private async Task EnsureWaitingByIndexAsync()
    {
        if (indexed)
        {
            return;
        }

        await contactIds.Ready.ConfigureAwait(false);
        var db = redis.GetDatabase();
        if (await db.StringGetAsync(keys.WaitingByIndexed()).ConfigureAwait(false) != IndexVersion)
        {
            foreach (var unit in catalog.Units)
            {
                var ids = (await db.SortedSetRangeByRankAsync(keys.UnitDue(unit.Id)).ConfigureAwait(false)).Select(v => v.ToString()).ToList();
                foreach (var conversation in await LoadAsync(db, ids).ConfigureAwait(false))
                {
                    if (conversation is { State: ConversationState.Waiting, UnitId: { } unitId })
                    {
                        var score = ConversationStore.DueScore(conversation);
                        await db.SortedSetAddAsync(keys.UnitWaitingBy(unitId, ConversationStore.Holder(conversation)), conversation.Id, score).ConfigureAwait(false);
                        await db.SortedSetAddAsync(keys.UnitWaitingVia(unitId, ConversationStore.Via(conversation)), conversation.Id, score).ConfigureAwait(false);
                    }
                }
            }

            await db.StringSetAsync(keys.WaitingByIndexed(), IndexVersion).ConfigureAwait(false);
        }

        indexed = true;
    }

    /// <summary>The records of these ids, in this order, in one pipeline.</summary>
    private async Task<IReadOnlyList<Conversation>> LoadAsync(IDatabase db, IReadOnlyList<string> ids)
    {
        var values = await Task.WhenAll(ids.Select(id => db.StringGetAsync(keys.Conversation(id)))).ConfigureAwait(false);
        return [.. values.Where(v => !v.IsNullOrEmpty).Select(v => JsonSerializer.Deserialize<Conversation>(v.ToString(), Json)!)];
    }

    internal const int MaxPageSize = 200;

    internal const int MaxSearch = 200;

    /// <summary>The most recent answered or closed conversations of one label a list looks at (per unit).</summary>
    internal const int MaxLabeled = 5000;

    private static bool IsLastFour(string search) => search.Length == 4 && search.All(char.IsAsciiDigit);

    /// <summary>
    /// GET /api/inbox?unit=&amp;tab=mine|unassigned|all|breached&amp;state=&amp;channel=&amp;assignee=me|none|id&amp;breached=true&amp;q=&amp;label=&amp;page=&amp;pageSize=
    /// </summary>
    internal static async Task<Results<Ok<InboxList>, ValidationProblem, Refusal>> ListAsync(
        ClaimsPrincipal user, UnitCatalog catalog, InboxQueries queries, WaitLookup waits,
        string? unit = null, string? tab = null, string? state = null, string? channel = null, string? assignee = null, string? breached = null,
        string? q = null, string? page = null, string? pageSize = null, string? label = null)
    {
        var errors = new List<(string, string)>();
        var wanted = ConversationState.Waiting;
        if (!string.IsNullOrEmpty(state) && !ConversationStore.TryParseState(state, out wanted))
        {
            errors.Add(("state", Texts.ConversationStateInvalid));
        }

        Channel? onlyChannel = channel switch
        {
            null or "" => null,
            "whatsapp" or "whatsApp" => Channel.WhatsApp,
            "sms" => Channel.Sms,
            "email" => Channel.Email,
            _ => (Channel?)(Channel)(-1),
        };
        if (onlyChannel == (Channel)(-1))
        {
            errors.Add(("channel", Texts.Get("InboxChannelInvalid")));
        }

        var search = q?.Trim();
        if (!string.IsNullOrEmpty(search) && (search.Length > MaxSearch
            || (!IsLastFour(search) && CnjNumber.TryParse(search, out _) != CnjNumberError.None && SearchTerms.QueryTerms(search).Count == 0)))
        {
            // Words too common to search ("bom dia") are told apart from nothing searchable at all ("!!").
            errors.Add(("q", search.Length <= MaxSearch && search.Any(char.IsLetterOrDigit) ? Texts.Get("InboxSearchCommonOnly") : Texts.Format("InboxSearchInvalid", MaxSearch)));
        }

        var pageNumber = ConversationsFeature.ParsePositive(page, 1, 100_000, "page", Texts.Format("InboxNumberInvalid", 100_000), errors);
        var size = ConversationsFeature.ParsePositive(pageSize, 50, MaxPageSize, "pageSize", Texts.Format("InboxNumberInvalid", MaxPageSize), errors);
        if (breached is not (null or "" or "true" or "false"))
        {
            errors.Add(("breached", Texts.Get("InboxBreachedInvalid")));
        }

        if (!string.IsNullOrEmpty(label) && !InboxLabels.IsId(label))
        {
            errors.Add(("label", Texts.Get("InboxLabelInvalid")));
        }

        if (tab is not (null or "" or "mine" or "unassigned" or "all" or "breached"))
        {
            errors.Add(("tab", Texts.Get("InboxTabInvalid")));
        }

        if (errors.Count > 0)
        {
            return Problems.Validation([.. errors]);
        }

        var (units, refusal) = UnitAccess.Scope(user, catalog, unit);
        if (refusal is not null)
        {
            return refusal;
        }

        var who = (tab, assignee) switch
        {
            ("mine", _) or (_, "me") => user.UserId(),
            ("unassigned", _) => "none",
            (_, null or "") => null,
            _ => assignee,
        };
        var filter = new InboxFilter(units, wanted, onlyChannel, who, breached == "true" || tab == "breached", search, pageNumber, size, string.IsNullOrEmpty(label) ? null : label);
        var found = await queries.QueryAsync(filter, user.UserId()).ConfigureAwait(false);
        // The place in its unit's queue the bot tells the citizen, and the unit's typical time it tells them the likely time from.
        var places = await waits.PlacesAsync(found.Rows.Select(r => r.Conversation)).ConfigureAwait(false);
        // For the units on this page only (an administrator's scope is every unit).
        var shown = found.Rows.Select(r => r.Conversation.UnitId).OfType<string>().Append(unit).OfType<string>().Where(units.Contains).Distinct(StringComparer.Ordinal);
        var paces = await Task.WhenAll(shown.Select(catalog.Find).OfType<Unit>().Select(async u => new InboxUnitPace(
            u.Id, (await waits.TypicalFirstAnswerAsync(u).ConfigureAwait(false))?.TotalMinutes, u.Sla.Counting == SlaCounting.ServiceHours))).ConfigureAwait(false);
        var items = found.Rows.Select(r => new InboxItem(
            r.Conversation.Id, r.Conversation.UnitId, r.Conversation.Channel, r.Conversation.State, r.Conversation.ContactAddress, r.Conversation.ContactName,
            r.Conversation.Subject, r.Conversation.DueAt, r.Conversation.AssigneeId, r.AssigneeName, r.Conversation.ProcessNumbers, r.Conversation.Labels,
            r.Conversation.LastActivityAt, r.Unread, r.Last, r.Conversation.PaymentWarningAt, places.TryGetValue(r.Conversation.Id, out var place) ? place : null));
        return TypedResults.Ok(new InboxList(items, found.Page, found.PageSize, found.Total, found.Counts, found.Truncated, paces));
    }
}
