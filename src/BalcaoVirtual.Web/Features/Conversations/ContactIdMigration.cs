using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using BalcaoVirtual.Web.Infrastructure.Storage;
using StackExchange.Redis;

namespace BalcaoVirtual.Web.Features.Conversations;

/// <summary>What a change of ids did: contacts given a new id, and keys renamed or rewritten.</summary>
public sealed record ContactIdMigrationResult(int Contacts, int Keys);

/// <summary>
/// Changes a store written while contact ids were a plain SHA-256 of the address (anyone could go back from an id to
/// the phone number by trying them all) to keyed ids (<see cref="ContactIds"/>), keeping everything: every key whose
/// name holds an old id is written again under the new one (moving to the new id's bucket), and every old id in a
/// value (conversation ids in indexes, queues, audit records, job arguments) is replaced.
/// <para>
/// Each step is written before the old one is removed, and the old-to-new map is kept in the store until the end, so
/// a migration cut short (a crash, a deploy) is finished by the next start, with the same ids. E-mail originals are
/// moved as they are, byte for byte.
/// </para>
/// </summary>
internal sealed partial class ContactIdMigration(RedisConnections redis, RedisKeys keys, ContactIds ids, Func<Task<bool>> stillOwner)
{
    /// <summary>Stops the migration after this many writes, as a crash would (the tests' way to cut it short).</summary>
    internal int? CrashAfterWrites { get; init; }

    /// <summary>Marks a store that holds no contact yet as keyed, and changes nothing in one that does (the run returns null).</summary>
    internal bool OnlyIfNothingToChange { get; init; }

    private const int ScanPage = 5000;

    private readonly Dictionary<string, string> map = new(StringComparer.Ordinal);
    private readonly HashSet<string> newIds = new(StringComparer.Ordinal);
    private readonly List<HashEntry> learned = [];
    private int writes;
    private int changed;

    private IDatabase Db => redis.GetDatabase();

    public async Task<ContactIdMigrationResult?> RunAsync(CancellationToken cancellationToken)
    {
        foreach (var entry in await Db.HashGetAllAsync(keys.ContactIdMigration()).ConfigureAwait(false))
        {
            Remember(entry.Name!, entry.Value!);
        }

        var names = await KeysAsync(cancellationToken).ConfigureAwait(false);
        if (OnlyIfNothingToChange && (map.Count > 0 || names.Any(n => Token().IsMatch(n))))
        {
            return null;
        }

        await MapAsync(names).ConfigureAwait(false);
        var contacts = map.Count;
        var visited = 0;
        foreach (var name in names)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await RewriteAsync(name).ConfigureAwait(false);
            if (++visited % 200 == 0 && !await stillOwner().ConfigureAwait(false))
            {
                throw new InvalidOperationException("The contact-id migration lost its lock (another node took over after it ran out).");
            }
        }

        await Db.StringSetAsync(keys.ContactIdScheme(), ContactIds.Scheme).ConfigureAwait(false);
        await Db.KeyDeleteAsync(keys.ContactIdMigration()).ConfigureAwait(false);
        return new ContactIdMigrationResult(contacts, changed);
    }

    /// <summary>Every key of this service's prefix (and of its Hangfire prefix), on every primary, but the migration's own.</summary>
    private async Task<List<string>> KeysAsync(CancellationToken cancellationToken)
    {
        var own = new HashSet<string>([keys.ContactIdKey()!, keys.ContactIdScheme()!, keys.ContactIdMigration()!, keys.ContactIdMigrationLock()!], StringComparer.Ordinal);
        var names = new List<string>();
        var primaries = redis.Primary.GetServers().Where(s => !s.IsReplica).ToList();
        if (primaries.Count == 0 || primaries.Any(s => !s.IsConnected))
        {
            // A key list missing a server's keys would leave its old ids behind for good.
            throw new StoreNotReadyException("The store's list of keys");
        }

        foreach (var server in primaries)
        {
            foreach (var pattern in new[] { Glob(keys.Prefix) + ":*", Glob(keys.HangfirePrefix) + "*" })
            {
                await foreach (var key in server.KeysAsync(pattern: pattern, pageSize: ScanPage).WithCancellation(cancellationToken).ConfigureAwait(false))
                {
                    if (!own.Contains(key!))
                    {
                        names.Add(key!);
                    }
                }
            }
        }

        return [.. names.Distinct(StringComparer.Ordinal)];
    }

    private static string Glob(string literal) => Regex.Replace(literal, @"[\\*?\[\]]", @"\$0");

    /// <summary>
    /// Old id to new id for every contact: from the address in its contact record or in one of its conversations; an
    /// id whose address is gone (a dedupe marker outliving an erased conversation) gets a keyed id of the old id.
    /// </summary>
    private async Task MapAsync(List<string> names)
    {
        var found = new List<(string Old, string New)>();
        foreach (var name in names)
        {
            if (ContactKey().Match(name) is { Success: true } contact && Unknown(contact.Groups["id"].Value) is { } old)
            {
                var address = ContactAddress.FromStored(await Db.HashGetAsync(name, "address").ConfigureAwait(false));
                if (address is not null)
                {
                    found.Add((old, Learn(old, ids.Of(address))));
                }
            }
            else if (ConversationKey().Match(name) is { Success: true } conversation && Unknown(conversation.Groups["id"].Value) is { } owner
                && await Db.StringGetAsync(name).ConfigureAwait(false) is { HasValue: true } json
                && AddressOf(json!) is { } address)
            {
                found.Add((owner, Learn(owner, ids.Of(address))));
            }
        }

        foreach (var name in names)
        {
            foreach (Match token in Token().Matches(name))
            {
                if (Unknown(token.Value) is { } old)
                {
                    found.Add((old, Learn(old, ids.ForLegacy(old))));
                }
            }
        }

        learned.AddRange(found.Select(f => new HashEntry(f.Old, f.New)));
        await SaveLearnedAsync().ConfigureAwait(false);
    }

    /// <summary>Keeps what was learned before anything is written with it, so that a run cut short goes on with the same ids.</summary>
    private async Task SaveLearnedAsync()
    {
        if (learned.Count > 0)
        {
            await Db.HashSetAsync(keys.ContactIdMigration(), [.. learned]).ConfigureAwait(false);
            learned.Clear();
        }
    }

    private string? Unknown(string id) => map.ContainsKey(id) || newIds.Contains(id) ? null : id;

    private string Learn(string old, string @new, bool save = false)
    {
        Remember(old, @new);
        if (save)
        {
            learned.Add(new HashEntry(old, @new));
        }

        return @new;
    }

    private void Remember(string old, string @new)
    {
        map[old] = @new;
        newIds.Add(@new);
    }

    private static ContactAddress? AddressOf(string conversationJson)
    {
        try
        {
            using var doc = JsonDocument.Parse(conversationJson);
            return doc.RootElement.TryGetProperty("contactAddress", out var address) && address.ValueKind == JsonValueKind.String
                ? ContactAddress.FromStored(address.GetString())
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Rewrites one key: under its new name when its name holds an old id, with old ids in its content replaced.</summary>
    private async Task RewriteAsync(string name)
    {
        var db = Db;
        var type = await db.KeyTypeAsync(name).ConfigureAwait(false);
        if (type is RedisType.None or RedisType.Unknown or RedisType.Stream)
        {
            return;
        }

        var renamed = ReplaceAll(name);
        var verbatim = name.Contains(":mail-raw:", StringComparison.Ordinal);
        switch (type)
        {
            case RedisType.String:
                var value = await db.StringGetAsync(name).ConfigureAwait(false);
                var rewritten = verbatim ? value : Rewrite(value);
                if (renamed != name || rewritten != value)
                {
                    await ReplaceKeyAsync(name, renamed, tran => tran.StringSetAsync(renamed, rewritten)).ConfigureAwait(false);
                }

                break;
            case RedisType.Hash:
                var fields = await db.HashGetAllAsync(name).ConfigureAwait(false);
                var entries = fields.Select(f => new HashEntry(Rewrite(f.Name), verbatim ? f.Value : Rewrite(f.Value))).ToArray();
                if (renamed != name || !entries.SequenceEqual(fields))
                {
                    await ReplaceKeyAsync(name, renamed, tran => tran.HashSetAsync(renamed, entries)).ConfigureAwait(false);
                }

                break;
            case RedisType.List:
                await RewriteListAsync(name, renamed, verbatim).ConfigureAwait(false);
                break;
            case RedisType.Set:
                var members = await db.SetMembersAsync(name).ConfigureAwait(false);
                await RewriteMembersAsync(name, renamed, members.Select(m => new SortedSetEntry(m, 0)).ToArray(),
                    (tran, key, all) => tran.SetAddAsync(key, [.. all.Select(e => e.Element)]),
                    (key, e) => db.SetAddAsync(key, e.Element), (key, e) => db.SetRemoveAsync(key, e.Element)).ConfigureAwait(false);
                break;
            case RedisType.SortedSet:
                var scored = await db.SortedSetRangeByRankWithScoresAsync(name).ConfigureAwait(false);
                await RewriteMembersAsync(name, renamed, scored,
                    (tran, key, all) => tran.SortedSetAddAsync(key, all),
                    (key, e) => db.SortedSetAddAsync(key, e.Element, e.Score), (key, e) => db.SortedSetRemoveAsync(key, e.Element)).ConfigureAwait(false);
                break;
        }
    }

    private async Task RewriteListAsync(string name, string renamed, bool verbatim)
    {
        var db = Db;
        var items = await db.ListRangeAsync(name).ConfigureAwait(false);
        var rewritten = verbatim ? items : items.Select(Rewrite).ToArray();
        if (ConversationOrder().Match(name) is { Success: true } order && renamed != name)
        {
            // A conversation's per-message keys (processed marks, originals kept by message id) carry no conversation
            // id in their name, only its bucket: they move to the new bucket before the list that names them does.
            foreach (var messageId in items.Select(i => (string)i!).Distinct(StringComparer.Ordinal))
            {
                var oldConversation = order.Groups["id"].Value;
                var newConversation = ReplaceAll(oldConversation);
                await MoveAsync(keys.MessageProcessed(oldConversation, messageId), keys.MessageProcessed(newConversation, messageId)).ConfigureAwait(false);
                await MoveAsync(keys.LegacyMailOriginal(oldConversation, messageId), keys.LegacyMailOriginal(newConversation, messageId)).ConfigureAwait(false);
            }
        }

        if (renamed == name && AuditTargetIndex().Match(name) is { Success: true } index && !rewritten.SequenceEqual(items)
            && rewritten.Length > 0 && TargetOf(rewritten[0]) is { } target)
        {
            // Indexed by a digest of the target: the new target's index.
            renamed = keys.AuditDayBy(index.Groups["day"].Value, "target", target)!;
        }

        if (renamed != name)
        {
            await ReplaceKeyAsync(name, renamed, tran => tran.ListRightPushAsync(renamed, rewritten)).ConfigureAwait(false);
            return;
        }

        for (var i = 0; i < items.Length; i++)
        {
            if (rewritten[i] == items[i])
            {
                continue;
            }

            var destination = Retagged(name, rewritten[i]!);
            if (destination == name)
            {
                await Count(db.ListSetByIndexAsync(name, i, rewritten[i])).ConfigureAwait(false);
            }
            else
            {
                // A bucket's queue: the item joins the queue of its conversation's new bucket (once, however often
                // this runs), then leaves this one.
                if (!(await db.ListRangeAsync(destination).ConfigureAwait(false)).Contains(rewritten[i]))
                {
                    await Count(db.ListRightPushAsync(destination, rewritten[i])).ConfigureAwait(false);
                }

                await Count(db.ListRemoveAsync(name, items[i], 1)).ConfigureAwait(false);
            }
        }
    }

    private async Task RewriteMembersAsync(
        string name, string renamed, SortedSetEntry[] members, Func<ITransaction, string, SortedSetEntry[], Task> writeAll,
        Func<string, SortedSetEntry, Task> add, Func<string, SortedSetEntry, Task> remove)
    {
        var rewritten = members.Select(m => new SortedSetEntry(Rewrite(m.Element), m.Score)).ToArray();
        if (renamed != name)
        {
            await ReplaceKeyAsync(name, renamed, tran => writeAll(tran, renamed, rewritten)).ConfigureAwait(false);
            return;
        }

        for (var i = 0; i < members.Length; i++)
        {
            if (rewritten[i].Element != members[i].Element)
            {
                await Count(add(Retagged(name, rewritten[i].Element!), rewritten[i])).ConfigureAwait(false);
                await Count(remove(name, members[i])).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Writes <paramref name="renamed"/> whole (its time to live kept) in one step, then removes <paramref name="name"/>.</summary>
    private async Task ReplaceKeyAsync(string name, string renamed, Func<ITransaction, Task> write)
    {
        var db = Db;
        var ttl = await db.KeyTimeToLiveAsync(name).ConfigureAwait(false);
        var tran = db.CreateTransaction();
        _ = tran.KeyDeleteAsync(renamed);
        _ = write(tran);
        if (ttl is { } left)
        {
            _ = tran.KeyExpireAsync(renamed, left);
        }

        await Count(tran.ExecuteAsync()).ConfigureAwait(false);
        if (renamed != name)
        {
            await Count(db.KeyDeleteAsync(name)).ConfigureAwait(false);
        }

        changed++;
    }

    /// <summary>Moves a processed mark (a string) or a kept original (a list) as it is.</summary>
    private async Task MoveAsync(RedisKey from, RedisKey to)
    {
        var (source, destination) = ((string)from!, (string)to!);
        if (source == destination)
        {
            return;
        }

        switch (await Db.KeyTypeAsync(from).ConfigureAwait(false))
        {
            case RedisType.String:
                var value = await Db.StringGetAsync(from).ConfigureAwait(false);
                await ReplaceKeyAsync(source, destination, tran => tran.StringSetAsync(destination, value)).ConfigureAwait(false);
                break;
            case RedisType.List:
                var items = await Db.ListRangeAsync(from).ConfigureAwait(false);
                await ReplaceKeyAsync(source, destination, tran => tran.ListRightPushAsync(destination, items)).ConfigureAwait(false);
                break;
        }
    }

    private async Task Count(Task write)
    {
        if (CrashAfterWrites is { } limit && writes >= limit)
        {
            throw new IOException($"The migration was cut short after {limit} writes (a test's crash).");
        }

        await SaveLearnedAsync().ConfigureAwait(false);
        await write.ConfigureAwait(false);
        writes++;
    }

    /// <summary>A bucket-tagged key's name with the bucket of the first contact id in <paramref name="member"/>.</summary>
    private static string Retagged(string name, string member) =>
        Token().Match(member) is { Success: true } id && BucketTag().Match(name) is { Success: true } tag
            ? string.Concat(name.AsSpan(0, tag.Groups["b"].Index), RedisKeys.BucketOf(id.Value), name.AsSpan(tag.Groups["b"].Index + 1))
            : name;

    /// <summary>A key name with its old ids replaced, in the bucket of the (new) id it names.</summary>
    private string ReplaceAll(string name)
    {
        var replaced = Token().Replace(name, m => map.TryGetValue(m.Value, out var @new) ? @new : m.Value);
        return replaced == name ? name : Retagged(replaced, replaced[(BucketTag().Match(replaced) is { Success: true } t ? t.Index + t.Length : 0)..]);
    }

    private static readonly UTF8Encoding Strict = new(false, true);

    /// <summary>A value with the old ids in it replaced; one that is not UTF-8 text is left as it is.</summary>
    private RedisValue Rewrite(RedisValue value)
    {
        if (value.IsNullOrEmpty)
        {
            return value;
        }

        string text;
        try
        {
            text = Strict.GetString((byte[])value!);
        }
        catch (DecoderFallbackException)
        {
            return value;
        }

        // A conversation id ("<contact id>-…") whose contact is gone (an audit record outliving an erased conversation)
        // still names the contact: it gets a keyed id of its own.
        var replaced = Token().Replace(text, m =>
            map.TryGetValue(m.Value, out var @new) ? @new
            : m.Index + m.Length < text.Length && text[m.Index + m.Length] == '-' && Unknown(m.Value) is { } old ? Learn(old, ids.ForLegacy(old), save: true)
            : m.Value);
        return replaced == text ? value : replaced;
    }

    private static string? TargetOf(RedisValue record)
    {
        try
        {
            using var doc = JsonDocument.Parse((string)record!);
            return doc.RootElement.TryGetProperty("target", out var target) && target.ValueKind == JsonValueKind.String ? target.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A contact id: exactly 20 lower-case hex characters, not part of a longer word (message ids have 21, digests more).</summary>
    [GeneratedRegex("(?<![0-9A-Za-z])[0-9a-f]{20}(?![0-9A-Za-z])")]
    private static partial Regex Token();

    [GeneratedRegex(@"\{b:(?<b>[0-9a-f])\}")]
    private static partial Regex BucketTag();

    [GeneratedRegex(@"\{b:[0-9a-f]\}:contact:(?<id>[0-9a-f]{20})$")]
    private static partial Regex ContactKey();

    [GeneratedRegex(@"\{b:[0-9a-f]\}:conv:(?<id>[0-9a-f]{20})-[^:]+$")]
    private static partial Regex ConversationKey();

    [GeneratedRegex(@"\{b:[0-9a-f]\}:order:(?<id>[0-9a-f]{20}-[^:]+)$")]
    private static partial Regex ConversationOrder();

    [GeneratedRegex(@":audit:(?<day>[0-9]{8}):target:[0-9a-f]+$")]
    private static partial Regex AuditTargetIndex();
}

/// <summary>
/// Reads the store's contact-id key before any other background service starts, and changes a store written with
/// unkeyed ids once (<see cref="ContactIdMigration"/>); other nodes starting meanwhile wait for it. With the store down
/// at start-up the node serves anyway (contacts answer 503 until the key is read) and tries again; a store that then
/// turns out to need its ids changed makes the node restart, so that the change runs before any other work.
/// </summary>
internal sealed partial class ContactIdStartup(
    RedisConnections redis, RedisKeys keys, ContactIds ids, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<ContactIdStartup> logger)
    : IHostedService
{
    internal static readonly TimeSpan LockTime = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(5);
    private Task? retries;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await PrepareAsync(mayChange: true, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Infrastructure.Http.StoreOutageHandler.IsOutage(ex))
        {
            LogStoreDown(logger);
            retries = RetryAsync(lifetime.ApplicationStopping);
        }
    }

    private async Task RetryAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(RetryInterval, time, cancellationToken).ConfigureAwait(false);
                if (!await PrepareAsync(mayChange: false, cancellationToken).ConfigureAwait(false))
                {
                    LogRestartToMigrate(logger);
                    Environment.ExitCode = 1;
                    lifetime.StopApplication();
                }

                return;
            }
            catch (Exception ex) when (Infrastructure.Http.StoreOutageHandler.IsOutage(ex))
            {
                // still down; the next round tries again
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Reads the key and sees the store's ids keyed; false when they need a change that <paramref name="mayChange"/> forbids.</summary>
    private async Task<bool> PrepareAsync(bool mayChange, CancellationToken cancellationToken)
    {
        if (!redis.Primary.IsConnected)
        {
            throw new StoreNotReadyException("The contact-id key"); // at once, rather than after a command's timeout
        }

        var db = redis.GetDatabase();
        var read = await ContactIds.ReadAsync(db, keys).ConfigureAwait(false);
        var owner = Guid.NewGuid().ToString("N");
        var waited = false;
        while ((string?)await db.StringGetAsync(keys.ContactIdScheme()).ConfigureAwait(false) != ContactIds.Scheme)
        {
            if (await db.LockTakeAsync(keys.ContactIdMigrationLock(), owner, LockTime).ConfigureAwait(false))
            {
                try
                {
                    var started = Environment.TickCount64;
                    var migration = new ContactIdMigration(redis, keys, read, () => db.LockExtendAsync(keys.ContactIdMigrationLock(), owner, LockTime))
                    {
                        OnlyIfNothingToChange = !mayChange,
                    };
                    if (await migration.RunAsync(cancellationToken).ConfigureAwait(false) is not { } result)
                    {
                        return false;
                    }

                    if (result.Keys > 0)
                    {
                        LogMigrated(logger, result.Contacts, result.Keys, Environment.TickCount64 - started);
                    }
                }
                finally
                {
                    await db.LockReleaseAsync(keys.ContactIdMigrationLock(), owner).ConfigureAwait(false);
                }

                break;
            }

            if (!mayChange)
            {
                return false;
            }

            if (!waited)
            {
                LogWaiting(logger);
                waited = true;
            }

            // The lock runs out by the store's clock: waited for in real time.
            await Task.Delay(TimeSpan.FromSeconds(1), TimeProvider.System, cancellationToken).ConfigureAwait(false);
        }

        ids.Use(read);
        return true;
    }

    public Task StopAsync(CancellationToken cancellationToken) => retries ?? Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Contact ids changed to keyed ids: {Contacts} contacts, {Keys} keys rewritten in {Milliseconds} ms")]
    private static partial void LogMigrated(ILogger logger, int contacts, int keys, long milliseconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Waiting for another node to finish changing the store's contact ids")]
    private static partial void LogWaiting(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Store unreachable at start-up: the contact-id key is read when it answers (until then, webhooks answer 503)")]
    private static partial void LogStoreDown(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "The store's contact ids must be changed to keyed ids before any work: stopping so that the next start (systemd restarts the service) changes them first")]
    private static partial void LogRestartToMigrate(ILogger logger);
}

public static class ContactIdsFeature
{
    /// <summary>Contact ids, read from the store before any other background service of the node starts: add right after the store.</summary>
    public static IServiceCollection AddContactIds(this IServiceCollection services)
    {
        services.AddSingleton<ContactIds>();
        services.AddHostedService<ContactIdStartup>();
        return services;
    }
}
