using System.Globalization;
using System.Text;
using BalcaoVirtual.Web.Infrastructure.Storage;
using StackExchange.Redis;

namespace BalcaoVirtual.Web.Features.Conversations;

/// <summary>
/// The words a search finds: letters and digits folded to lower case without accents ("Alvará" → "alvara"), CPFs
/// masked first, common Portuguese words left out. A word of four letters or more is found by any beginning of it of
/// at least four ("alva", "alvar", "alvara"), up to <see cref="MaxPrefix"/>; a shorter one only whole ("oab").
/// </summary>
public static class SearchTerms
{
    public const int MinPrefix = 4;
    public const int MaxPrefix = 12;

    /// <summary>Longer runs are links, codes or noise: nobody types them into a search.</summary>
    private const int MaxWord = 40;

    /// <summary>What of one text is indexed at most: its beginning (a pasted document must not hold up a bot turn).</summary>
    public const int MaxIndexedChars = 8 * 1024;

    /// <summary>Distinct words of one text indexed at most.</summary>
    public const int MaxIndexedWords = 400;

    private static readonly HashSet<string> Common = new(StringComparer.Ordinal)
    {
        "a", "o", "as", "os", "ao", "aos", "de", "da", "do", "das", "dos", "e", "em", "no", "na", "nos", "nas", "um", "uma", "uns",
        "umas", "para", "pra", "pro", "por", "com", "sem", "que", "se", "eu", "me", "mim", "meu", "minha", "meus", "minhas", "voce",
        "voces", "ele", "ela", "eles", "elas", "seu", "sua", "ou", "mas", "como", "mais", "muito", "ja", "nao", "sim", "foi", "ser",
        "esta", "estou", "tem", "ter", "isso", "este", "essa", "esse", "aqui", "la", "so", "oi", "ola", "bom", "boa", "dia", "tarde",
        "noite", "obrigado", "obrigada", "favor", "the",
    };

    /// <summary>The words of a text, each once, in the order they first appear.</summary>
    public static IReadOnlyList<string> Words(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        var folded = Fold(Privacy.CpfMask.Mask(text));
        var words = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var start = -1;
        for (var i = 0; i <= folded.Length; i++)
        {
            if (i < folded.Length && char.IsLetterOrDigit(folded[i]))
            {
                start = start < 0 ? i : start;
                continue;
            }

            if (start >= 0)
            {
                var word = folded[start..i];
                if (word.Length is >= 2 and <= MaxWord && !Common.Contains(word) && seen.Add(word))
                {
                    words.Add(word);
                }

                start = -1;
            }
        }

        return words;
    }

    /// <summary>What a text is found by: each word whole if short, else each beginning of four letters or more.</summary>
    public static IReadOnlySet<string> IndexTerms(IEnumerable<string?> texts)
    {
        var terms = new HashSet<string>(StringComparer.Ordinal);
        foreach (var word in texts.SelectMany(t => Words(t is { Length: > MaxIndexedChars } ? t[..MaxIndexedChars] : t).Take(MaxIndexedWords)))
        {
            if (word.Length < MinPrefix)
            {
                terms.Add(word);
                continue;
            }

            for (var length = MinPrefix; length <= Math.Min(word.Length, MaxPrefix); length++)
            {
                terms.Add(word[..length]);
            }
        }

        return terms;
    }

    /// <summary>What a search asks for: its words, each cut to the longest beginning the index keeps.</summary>
    public static IReadOnlyList<string> QueryTerms(string? query) =>
        [.. Words(query).Select(w => w.Length > MaxPrefix ? w[..MaxPrefix] : w).Distinct(StringComparer.Ordinal)];

    internal static string Fold(string text)
    {
        var decomposed = Court.TextMatching.Decompose(text);
        var folded = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                folded.Append(char.ToLowerInvariant(c));
            }
        }

        return folded.ToString();
    }
}

/// <summary>
/// The inbox's word index: per unit, for each term (<see cref="SearchTerms"/>), the conversations that contain it,
/// scored by the latest time they did. What a person wrote is indexed — the citizen's messages, the clerks' answers
/// and notes, the contact's name and the subject — never the chatbot's lines (its menu would be in every conversation).
/// A term is stored only as a keyed digest, so the index names no word. Written after each change's commit, like the
/// other unit indexes; a conversation that moves to another unit takes its words along; erasure takes them out.
/// Steps after a commit may finish out of order (a turn's late step after a transfer or an erasure): each write reads
/// the record again afterwards and takes back what the record no longer bears out. A text the index cannot take never
/// fails the change it follows: the change is stored, and the step is logged and skipped.
/// </summary>
public sealed partial class ConversationWords(RedisConnections redis, RedisKeys keys, ContactIds ids, ConversationStore store, ILogger<ConversationWords> logger)
{
    /// <summary>The most recent conversations a search looks at; beyond them the clerk is asked to say more.</summary>
    public const int MaxCandidates = 1000;

    private IDatabase Db => redis.GetDatabase();

    /// <summary>After a change: its new texts (and the name and subject) into the unit's index, or everything along when the unit changed.</summary>
    public async Task AfterChangeAsync(Conversation before, Conversation after, IEnumerable<string?> texts, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        try
        {
            if (before.UnitId != after.UnitId)
            {
                var all = await TextsAsync(after).ConfigureAwait(false);
                if (before.UnitId is { } left)
                {
                    await WriteAsync(left, after.Id, [(all.SelectMany(t => t.Texts), at)], add: false).ConfigureAwait(false);
                }

                if (after.UnitId is { } unit)
                {
                    await AddCheckedAsync(unit, after.Id, all).ConfigureAwait(false);
                }

                return;
            }

            if (after.UnitId is { } same)
            {
                // The name and subject each time: a conversation may have been made with them and its unit at once.
                await AddCheckedAsync(same, after.Id, [(texts.Append(after.ContactName).Append(after.Subject), at)]).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not (RedisException or TimeoutException or OperationCanceledException or OutOfMemoryException))
        {
            LogSkipped(logger, after.Id, ex.GetType().Name);
        }
    }

    /// <summary>Indexes a whole conversation in its unit again (the first start after an upgrade).</summary>
    public async Task IndexAllAsync(Conversation conversation)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        if (conversation.UnitId is { } unit)
        {
            await AddCheckedAsync(unit, conversation.Id, await TextsAsync(conversation).ConfigureAwait(false)).ConfigureAwait(false);
        }
    }

    /// <summary>Takes a conversation out of its unit's index (before its texts are erased).</summary>
    public async Task RemoveAsync(Conversation conversation, IEnumerable<Message> messages)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        if (conversation.UnitId is { } unit)
        {
            var texts = messages.Where(m => m.Author != MessageAuthor.Bot).Select(m => (string?)m.Text).Append(conversation.ContactName).Append(conversation.Subject);
            await WriteAsync(unit, conversation.Id, [(texts, DateTimeOffset.MinValue)], add: false).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Adds, then reads the record: if it left the unit or was anonymised meanwhile (a late step), takes the words back,
    /// so that whichever step runs last leaves the index as the record says.
    /// </summary>
    private async Task AddCheckedAsync(string unit, string conversationId, IReadOnlyList<(IEnumerable<string?> Texts, DateTimeOffset At)> groups)
    {
        var materialised = groups.Select(g => ((IEnumerable<string?>)g.Texts.ToList(), g.At)).ToList();
        await WriteAsync(unit, conversationId, materialised, add: true).ConfigureAwait(false);
        if (await store.GetAsync(conversationId).ConfigureAwait(false) is not { AnonymizedAt: null } now || now.UnitId != unit)
        {
            await WriteAsync(unit, conversationId, [(materialised.SelectMany(g => g.Item1), DateTimeOffset.MinValue)], add: false).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The conversations of <paramref name="units"/> that contain every term, the most recent first, at most
    /// <see cref="MaxCandidates"/>: per unit, the term with the fewest conversations is read in order and the others
    /// only checked for those (one round trip each).
    /// </summary>
    public async Task<IReadOnlyList<string>> FindAsync(IReadOnlyCollection<string> units, IReadOnlyList<string> terms) =>
        (await FindWithCapAsync(units, terms).ConfigureAwait(false)).Ids;

    /// <summary>As <see cref="FindAsync"/>, and whether the cap cut it (more conversations have every word).</summary>
    public async Task<(IReadOnlyList<string> Ids, bool Truncated)> FindWithCapAsync(IReadOnlyCollection<string> units, IReadOnlyList<string> terms)
    {
        ArgumentNullException.ThrowIfNull(units);
        ArgumentNullException.ThrowIfNull(terms);
        if (terms.Count == 0)
        {
            return ([], false);
        }

        await ids.Ready.ConfigureAwait(false);
        var truncated = false;
        var digests = terms.Select(t => ids.Keyed("word", t)).ToList();
        var found = await Task.WhenAll(units.Select(async unit =>
        {
            var termKeys = digests.Select(d => keys.UnitWord(unit, d)).ToList();
            var sizes = await Task.WhenAll(termKeys.Select(k => Db.SortedSetLengthAsync(k))).ConfigureAwait(false);
            if (sizes.Any(s => s == 0))
            {
                return [];
            }

            var rarest = termKeys[Array.IndexOf(sizes, sizes.Min())];
            truncated |= sizes.Min() > MaxCandidates;
            var candidates = await Db.SortedSetRangeByRankWithScoresAsync(rarest, 0, MaxCandidates - 1, Order.Descending).ConfigureAwait(false);
            IEnumerable<SortedSetEntry> kept = candidates;
            foreach (var other in termKeys.Where(k => k != rarest))
            {
                var members = kept.ToArray();
                var scores = await Db.SortedSetScoresAsync(other, [.. members.Select(e => e.Element)]).ConfigureAwait(false);
                kept = members.Where((_, i) => scores[i] is not null);
            }

            return kept.ToArray();
        })).ConfigureAwait(false);
        var all = found.SelectMany(f => f).OrderByDescending(e => e.Score).ThenBy(e => e.Element.ToString(), StringComparer.Ordinal).ToList();
        return ([.. all.Take(MaxCandidates).Select(e => e.Element.ToString())], truncated || all.Count > MaxCandidates);
    }

    /// <summary>What a person wrote in the conversation, each message with its time; the name and subject now.</summary>
    private async Task<IReadOnlyList<(IEnumerable<string?> Texts, DateTimeOffset At)>> TextsAsync(Conversation conversation)
    {
        var messages = await store.GetMessagesAsync(conversation.Id).ConfigureAwait(false);
        return [.. messages.Where(m => m.Author != MessageAuthor.Bot).Select(m => ((IEnumerable<string?>)[m.Text], m.CreatedAt)),
            ([conversation.ContactName, conversation.Subject], conversation.LastActivityAt)];
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Search index: conversation {ConversationId} not indexed ({Error}); the change itself is stored")]
    private static partial void LogSkipped(ILogger logger, string conversationId, string error);

    /// <summary>Adds (each group scored by its time, later ones winning) or removes the terms, in one pipeline.</summary>
    private async Task WriteAsync(string unit, string conversationId, IEnumerable<(IEnumerable<string?> Texts, DateTimeOffset At)> groups, bool add)
    {
        var work = groups.Select(g => (Terms: SearchTerms.IndexTerms(g.Texts), g.At)).Where(g => g.Terms.Count > 0).ToList();
        if (work.Count == 0)
        {
            return;
        }

        await ids.Ready.ConfigureAwait(false);
        var batch = Db.CreateBatch();
        var tasks = new List<Task>();
        foreach (var (terms, at) in work)
        {
            foreach (var term in terms)
            {
                var key = keys.UnitWord(unit, ids.Keyed("word", term));
                tasks.Add(add ? batch.SortedSetAddAsync(key, conversationId, at.ToUnixTimeMilliseconds()) : batch.SortedSetRemoveAsync(key, conversationId));
            }
        }

        batch.Execute();
        await Task.WhenAll(tasks).ConfigureAwait(false);
    }
}

/// <summary>
/// Indexes the words of every conversation once, and lists it under its contact, in the background, on the first start
/// after an upgrade that brought these indexes (until it finishes, a search finds only what changed since). Idempotent, so several nodes
/// may run it at once, and one cut short runs again from the start.
/// </summary>
internal sealed partial class ConversationWordsBackfill(
    RedisConnections redis, RedisKeys keys, ContactIds ids, Units.UnitCatalog catalog, ConversationStore store, ConversationWords words,
    TimeProvider time, ILogger<ConversationWordsBackfill> logger) : BackgroundService
{
    private const string Version = "1";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await ids.Ready.WaitAsync(stoppingToken).ConfigureAwait(false);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await RunAsync(stoppingToken).ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                LogRetry(logger, ex.GetType().Name);
            }

            await Task.Delay(TimeSpan.FromSeconds(30), time, stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>True once the index is built (by this node or another).</summary>
    private async Task<bool> RunAsync(CancellationToken stoppingToken)
    {
        var db = redis.GetDatabase();
        if (await db.StringGetAsync(keys.WordsIndexed()).ConfigureAwait(false) == Version)
        {
            return true;
        }

        // One node builds it while the others wait; a lease that lapses (a node that died) lets another take over.
        if (!await db.StringSetAsync(keys.WordsIndexLease(), "1", TimeSpan.FromMinutes(2), When.NotExists).ConfigureAwait(false))
        {
            return false;
        }

        var (count, seen) = (0, 0);
        foreach (var unit in catalog.Units)
        {
            foreach (var state in Enum.GetValues<ConversationState>())
            {
                foreach (var id in await db.SortedSetRangeByRankAsync(keys.UnitConversations(unit.Id, ConversationStore.StateName(state))).ConfigureAwait(false))
                {
                    stoppingToken.ThrowIfCancellationRequested();
                    if (++seen % 500 == 0)
                    {
                        await db.KeyExpireAsync(keys.WordsIndexLease(), TimeSpan.FromMinutes(2)).ConfigureAwait(false); // still at it
                    }

                    if (await store.GetAsync(id.ToString()).ConfigureAwait(false) is not { AnonymizedAt: null } conversation)
                    {
                        continue;
                    }

                    try
                    {
                        await words.IndexAllAsync(conversation).ConfigureAwait(false);
                        count++;
                    }
                    catch (Exception ex) when (ex is not (RedisException or TimeoutException or OperationCanceledException or OutOfMemoryException))
                    {
                        LogSkipped(logger, conversation.Id, ex.GetType().Name); // one record never stops the others, nor the service
                    }

                    await db.SortedSetAddAsync(keys.ContactConversations(RedisKeys.ContactOf(conversation.Id)), conversation.Id,
                        conversation.CreatedAt.ToUnixTimeMilliseconds()).ConfigureAwait(false);
                }
            }
        }

        await db.StringSetAsync(keys.WordsIndexed(), Version).ConfigureAwait(false);
        await db.KeyDeleteAsync(keys.WordsIndexLease()).ConfigureAwait(false);
        LogDone(logger, count);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Search index: the words of {Count} conversations indexed")]
    private static partial void LogDone(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Search index: building it failed with {Error}; trying again in 30 s")]
    private static partial void LogRetry(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Search index: conversation {ConversationId} skipped ({Error})")]
    private static partial void LogSkipped(ILogger logger, string conversationId, string error);
}
