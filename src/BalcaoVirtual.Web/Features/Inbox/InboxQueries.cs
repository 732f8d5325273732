using System.Security.Claims;
using System.Text.Json;
using BalcaoVirtual.Web.Features.Auth;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Court;
using BalcaoVirtual.Web.Features.Units;
using BalcaoVirtual.Web.Infrastructure.Http;
using BalcaoVirtual.Web.Infrastructure.Storage;
using BalcaoVirtual.Web.Resources;
using StackExchange.Redis;

namespace BalcaoVirtual.Web.Features.Inbox;

/// <summary>What the inbox list asks for. Assignee: a user id, "me" (resolved before) or "none".</summary>
public sealed record InboxFilter(
    IReadOnlyCollection<string> Units, ConversationState State, Channel? Channel, string? Assignee, bool BreachedOnly, string? Search, int Page, int PageSize);

/// <summary>
/// The inbox list: waiting conversations by due time (from each unit's due index, merged), the others by latest
/// activity; filters by channel, assignee and breached; search by case number or the phone's last four digits.
/// Only ids are read until the page is known, unless a filter needs the records (then they are read in one pipeline).
/// </summary>
public sealed class InboxQueries(RedisConnections redis, RedisKeys keys, TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<ConversationPage> QueryAsync(InboxFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var db = redis.GetDatabase();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        List<string> ids;
        if (!string.IsNullOrEmpty(filter.Search))
        {
            var sets = CnjNumber.TryParse(filter.Search, out var number) == CnjNumberError.None
                ? [keys.ProcessConversations(number.Canonical)]
                : filter.Units.Select(u => keys.UnitContactSuffix(u, filter.Search)).ToArray();
            var found = await Task.WhenAll(sets.Select(k => db.SetMembersAsync(k))).ConfigureAwait(false);
            ids = [.. found.SelectMany(v => v).Select(v => v.ToString()).Distinct()];
        }
        else if (filter.State == ConversationState.Waiting && filter.Channel is null && filter.Assignee is null)
        {
            // The common case: only as many ids per unit as the page needs, merged by due time, and the counts.
            var take = (long)filter.Page * filter.PageSize;
            var max = filter.BreachedOnly ? now : double.PositiveInfinity;
            var lists = await Task.WhenAll(filter.Units.Select(u =>
                db.SortedSetRangeByScoreWithScoresAsync(keys.UnitDue(u), double.NegativeInfinity, max, Exclude.Stop, Order.Ascending, 0, take))).ConfigureAwait(false);
            var counts = await Task.WhenAll(filter.Units.Select(u => db.SortedSetLengthAsync(keys.UnitDue(u), double.NegativeInfinity, max, Exclude.Stop))).ConfigureAwait(false);
            var pageIds = lists.SelectMany(l => l).OrderBy(e => e.Score).ThenBy(e => e.Element.ToString(), StringComparer.Ordinal)
                .Skip((filter.Page - 1) * filter.PageSize).Take(filter.PageSize).Select(e => e.Element.ToString()).ToList();
            return new ConversationPage(await LoadAsync(db, pageIds).ConfigureAwait(false), filter.Page, filter.PageSize, counts.Sum());
        }
        else if (filter.State == ConversationState.Waiting)
        {
            var lists = await Task.WhenAll(filter.Units.Select(u => filter.BreachedOnly
                ? db.SortedSetRangeByScoreWithScoresAsync(keys.UnitDue(u), double.NegativeInfinity, now, Exclude.Stop)
                : db.SortedSetRangeByRankWithScoresAsync(keys.UnitDue(u)))).ConfigureAwait(false);
            ids = [.. lists.SelectMany(l => l).OrderBy(e => e.Score).ThenBy(e => e.Element.ToString(), StringComparer.Ordinal).Select(e => e.Element.ToString())];
        }
        else
        {
            var state = ConversationStore.StateName(filter.State);
            var lists = await Task.WhenAll(filter.Units.Select(u => db.SortedSetRangeByRankWithScoresAsync(keys.UnitConversations(u, state), 0, 4999, Order.Descending))).ConfigureAwait(false);
            ids = [.. lists.SelectMany(l => l).OrderByDescending(e => e.Score).Select(e => e.Element.ToString())];
        }

        var needRecords = filter.Channel is not null || filter.Assignee is not null || !string.IsNullOrEmpty(filter.Search);
        if (!needRecords)
        {
            var pageIds = ids.Skip((filter.Page - 1) * filter.PageSize).Take(filter.PageSize).ToList();
            return new ConversationPage(await LoadAsync(db, pageIds).ConfigureAwait(false), filter.Page, filter.PageSize, ids.Count);
        }

        var matching = (await LoadAsync(db, ids).ConfigureAwait(false)).Where(c =>
                c.UnitId is not null && filter.Units.Contains(c.UnitId)
                && (!string.IsNullOrEmpty(filter.Search) || c.State == filter.State)
                && (filter.Channel is null || c.Channel == filter.Channel)
                && (filter.Assignee is null || (filter.Assignee == "none" ? c.AssigneeId is null : c.AssigneeId == filter.Assignee))
                && (!filter.BreachedOnly || (c.State == ConversationState.Waiting && c.DueAt is { } due && due.ToUnixTimeMilliseconds() < now)))
            .ToList();
        return new ConversationPage(matching.Skip((filter.Page - 1) * filter.PageSize).Take(filter.PageSize).ToList(), filter.Page, filter.PageSize, matching.Count);
    }

    /// <summary>The records of these ids, in this order, in one pipeline.</summary>
    private async Task<IReadOnlyList<Conversation>> LoadAsync(IDatabase db, IReadOnlyList<string> ids)
    {
        var values = await Task.WhenAll(ids.Select(id => db.StringGetAsync(keys.Conversation(id)))).ConfigureAwait(false);
        return [.. values.Where(v => !v.IsNullOrEmpty).Select(v => JsonSerializer.Deserialize<Conversation>(v.ToString(), Json)!)];
    }

    internal const int MaxPageSize = 200;

    /// <summary>GET /api/inbox?unit=&amp;state=&amp;channel=&amp;assignee=me|none|id&amp;breached=true&amp;q=&amp;page=&amp;pageSize=</summary>
    internal static async Task<IResult> ListAsync(
        ClaimsPrincipal user, UnitCatalog catalog, InboxQueries queries,
        string? unit = null, string? state = null, string? channel = null, string? assignee = null, string? breached = null,
        string? q = null, string? page = null, string? pageSize = null)
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
        if (!string.IsNullOrEmpty(search) && !(search.Length == 4 && search.All(char.IsAsciiDigit)) && CnjNumber.TryParse(search, out _) != CnjNumberError.None)
        {
            errors.Add(("q", Texts.Get("InboxSearchInvalid")));
        }

        var pageNumber = ConversationsFeature.ParsePositive(page, 1, 100_000, "page", Texts.Format("InboxNumberInvalid", 100_000), errors);
        var size = ConversationsFeature.ParsePositive(pageSize, 50, MaxPageSize, "pageSize", Texts.Format("InboxNumberInvalid", MaxPageSize), errors);
        if (breached is not (null or "" or "true" or "false"))
        {
            errors.Add(("breached", Texts.Get("InboxBreachedInvalid")));
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

        var who = assignee switch
        {
            null or "" => null,
            "me" => user.UserId(),
            _ => assignee,
        };
        var found = await queries.QueryAsync(new InboxFilter(units, wanted, onlyChannel, who, breached == "true", search, pageNumber, size)).ConfigureAwait(false);
        return Results.Ok(found with { Items = [.. found.Items.Select(Privacy.CpfMask.Masked)] });
    }
}
