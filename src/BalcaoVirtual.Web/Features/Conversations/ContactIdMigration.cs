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
internal sealed partial class ContactIdMigration(RedisConnections redis, RedisKeys keys, ContactIds ids)
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

    /// <summary>Runs (or finishes) the change; <paramref name="cancellationToken"/> also stops it when its lock is lost.</summary>
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
        foreach (var name in names)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await RewriteAsync(name, cancellationToken).ConfigureAwait(false);
        }

        // The map links new ids to old ones (which lead back to numbers): a map left by a crash after the marker is
        // removed by the next start (ContactIdStartup).
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
    private async Task RewriteAsync(string name, CancellationToken cancellationToken)
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
                if (await ReadAsync(name, tran => tran.StringGetAsync(name)).ConfigureAwait(false) is var (value, ttl) && value.HasValue)
                {
                    var rewritten = verbatim ? value : Rewrite(value);
                    if (renamed != name || rewritten != value)
                    {
                        await ReplaceKeyAsync(name, renamed, ttl, tran => tran.StringSetAsync(renamed, rewritten)).ConfigureAwait(false);
                    }
                }

                break;
            case RedisType.Hash:
                if (await ReadAsync(name, tran => tran.HashGetAllAsync(name)).ConfigureAwait(false) is var (fields, hashTtl) && fields.Length > 0)
                {
                    var entries = fields.Select(f => new HashEntry(Rewrite(f.Name), verbatim ? f.Value : Rewrite(f.Value))).ToArray();
                    if (renamed != name || !entries.SequenceEqual(fields))
                    {
                        await ReplaceKeyAsync(name, renamed, hashTtl, tran => tran.HashSetAsync(renamed, entries)).ConfigureAwait(false);
                    }
                }

                break;
            case RedisType.List:
                if (await ReadAsync(name, tran => tran.ListRangeAsync(name)).ConfigureAwait(false) is var (items, listTtl) && items.Length > 0)
                {
                    await RewriteListAsync(name, renamed, items, listTtl, verbatim, cancellationToken).ConfigureAwait(false);
                }

                break;
            case RedisType.Set:
                if (await ReadAsync(name, tran => tran.SetMembersAsync(name)).ConfigureAwait(false) is var (members, setTtl) && members.Length > 0)
                {
                    await RewriteMembersAsync(name, renamed, setTtl, members.Select(m => new SortedSetEntry(m, 0)).ToArray(),
                        (tran, key, all) => tran.SetAddAsync(key, [.. all.Select(e => e.Element)]),
                        (key, e) => db.SetAddAsync(key, e.Element), (key, e) => db.SetRemoveAsync(key, e.Element)).ConfigureAwait(false);
                }

                break;
            case RedisType.SortedSet:
                if (await ReadAsync(name, tran => tran.SortedSetRangeByRankWithScoresAsync(name)).ConfigureAwait(false) is var (scored, zsetTtl) && scored.Length > 0)
                {
                    await RewriteMembersAsync(name, renamed, zsetTtl, scored,
                        (tran, key, all) => tran.SortedSetAddAsync(key, all),
                        (key, e) => db.SortedSetAddAsync(key, e.Element, e.Score), (key, e) => db.SortedSetRemoveAsync(key, e.Element)).ConfigureAwait(false);
                }

                break;
        }
    }

    /// <summary>A key's content and time to live, read in one step (a key that expires in between is never written back for good).</summary>
    private async Task<(T Value, TimeSpan? Ttl)> ReadAsync<T>(string name, Func<ITransaction, Task<T>> read)
    {
        var tran = Db.CreateTransaction();
        var value = read(tran);
        var ttl = tran.KeyTimeToLiveAsync(name);
        await tran.ExecuteAsync().ConfigureAwait(false);
        return (await value.ConfigureAwait(false), await ttl.ConfigureAwait(false));
    }

    private async Task RewriteListAsync(string name, string renamed, RedisValue[] items, TimeSpan? ttl, bool verbatim, CancellationToken cancellationToken)
    {
        var db = Db;
        var rewritten = verbatim ? items : items.Select(Rewrite).ToArray();
        if (ConversationOrder().Match(name) is { Success: true } order && renamed != name)
        {
            // A conversation's per-message keys (processed marks, originals kept by message id) carry no conversation
            // id in their name, only its bucket: they move to the new bucket before the list that names them does.
            var oldConversation = order.Groups["id"].Value;
            var newConversation = ReplaceAll(oldConversation);
            foreach (var messageId in items.Select(i => (string)i!).Distinct(StringComparer.Ordinal))
            {
                cancellationToken.ThrowIfCancellationRequested();
                await MoveAsync(keys.MessageProcessed(oldConversation, messageId), keys.MessageProcessed(newConversation, messageId)).ConfigureAwait(false);
                await MoveAsync(keys.LegacyMailOriginal(oldConversation, messageId), keys.LegacyMailOriginal(newConversation, messageId)).ConfigureAwait(false);
            }
        }

        if (renamed == name && AuditTargetIndex().Match(name) is { Success: true } index && !rewritten.SequenceEqual(items)
            && TargetOf(rewritten[0]) is { } target)
        {
            // Indexed by a digest of the target: the new target's index.
            renamed = keys.AuditDayBy(index.Groups["day"].Value, "target", target)!;
        }

        if (renamed != name)
        {
            await ReplaceKeyAsync(name, renamed, ttl, tran => tran.ListRightPushAsync(renamed, rewritten)).ConfigureAwait(false);
            return;
        }

        // In place by index first, while no item has left (an audit day's records, a queue's items that stay)...
        for (var i = 0; i < items.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (rewritten[i] != items[i] && Retagged(name, rewritten[i]!) == name)
            {
                var (index2, value) = (i, rewritten[i]);
                await Count(() => db.ListSetByIndexAsync(name, index2, value)).ConfigureAwait(false);
            }
        }

        // ...then a bucket's queue items whose conversation moved join the queue of its new bucket (once, however often
        // this runs) and leave this one, by value.
        for (var i = 0; i < items.Length; i++)
        {
            if (rewritten[i] == items[i] || Retagged(name, rewritten[i]!) is not { } destination || destination == name)
            {
                continue;
            }

            var (item, moved) = (items[i], rewritten[i]);
            if (!(await db.ListRangeAsync(destination).ConfigureAwait(false)).Contains(moved))
            {
                await Count(() => db.ListRightPushAsync(destination, moved)).ConfigureAwait(false);
            }

            await Count(() => db.ListRemoveAsync(name, item, 1)).ConfigureAwait(false);
        }
    }

    private async Task RewriteMembersAsync(
        string name, string renamed, TimeSpan? ttl, SortedSetEntry[] members, Func<ITransaction, string, SortedSetEntry[], Task> writeAll,
        Func<string, SortedSetEntry, Task> add, Func<string, SortedSetEntry, Task> remove)
    {
        var rewritten = members.Select(m => new SortedSetEntry(Rewrite(m.Element), m.Score)).ToArray();
        if (renamed != name)
        {
            await ReplaceKeyAsync(name, renamed, ttl, tran => writeAll(tran, renamed, rewritten)).ConfigureAwait(false);
            return;
        }

        for (var i = 0; i < members.Length; i++)
        {
            if (rewritten[i].Element != members[i].Element)
            {
                var (member, moved) = (members[i], rewritten[i]);
                await Count(() => add(Retagged(name, moved.Element!), moved)).ConfigureAwait(false);
                await Count(() => remove(name, member)).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Writes <paramref name="renamed"/> whole (with the time to live <paramref name="name"/> had) in one step, then removes <paramref name="name"/>.</summary>
    private async Task ReplaceKeyAsync(string name, string renamed, TimeSpan? ttl, Func<ITransaction, Task> write)
    {
        var db = Db;
        await Count(() =>
        {
            var tran = db.CreateTransaction();
            _ = tran.KeyDeleteAsync(renamed);
            _ = write(tran);
            if (ttl is { } left)
            {
                _ = tran.KeyExpireAsync(renamed, left);
            }

            return tran.ExecuteAsync();
        }).ConfigureAwait(false);
        if (renamed != name)
        {
            await Count(() => db.KeyDeleteAsync(name)).ConfigureAwait(false);
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
                if (await ReadAsync(source, tran => tran.StringGetAsync(source)).ConfigureAwait(false) is var (value, ttl) && value.HasValue)
                {
                    await ReplaceKeyAsync(source, destination, ttl, tran => tran.StringSetAsync(destination, value)).ConfigureAwait(false);
                }

                break;
            case RedisType.List:
                if (await ReadAsync(source, tran => tran.ListRangeAsync(source)).ConfigureAwait(false) is var (items, listTtl) && items.Length > 0)
                {
                    await ReplaceKeyAsync(source, destination, listTtl, tran => tran.ListRightPushAsync(destination, items)).ConfigureAwait(false);
                }

                break;
        }
    }

    /// <summary>Every write goes through here: what was learned is kept first, so a crash during the write finds it.</summary>
    private async Task Count(Func<Task> write)
    {
        await SaveLearnedAsync().ConfigureAwait(false);
        if (CrashAfterWrites is { } limit && writes >= limit)
        {
            throw new IOException($"The migration was cut short after {limit} writes (a test's crash).");
        }

        await write().ConfigureAwait(false);
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
    RedisConnections redis, RedisKeys keys, ContactIds ids, ReplicaWait replicas, TimeProvider time, IHostApplicationLifetime lifetime,
    ILogger<ContactIdStartup> logger)
    : IHostedService
{
    internal static readonly TimeSpan LockTime = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(5);
    private Task? retries;

    private bool migrating;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await PrepareAsync(mayChange: true, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Infrastructure.Http.StoreOutageHandler.IsOutage(ex) && !migrating)
        {
            LogStoreDown(logger);
            var stopping = lifetime.ApplicationStopping;
            retries = StoreRetry.UntilItAnswersAsync(() => ReadOrRestartAsync(stopping), Infrastructure.Http.StoreOutageHandler.IsOutage, RetryInterval, time, stopping);
        }
    }

    /// <summary>Once the store answers: the key is read, or the node stops to be started again when the ids need changing.</summary>
    private async Task ReadOrRestartAsync(CancellationToken cancellationToken)
    {
        if (!await PrepareAsync(mayChange: false, cancellationToken).ConfigureAwait(false))
        {
            LogRestartToMigrate(logger);
            Environment.ExitCode = 1;
            lifetime.StopApplication();
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
        try
        {
            await replicas.EnsureAsync(db, keys.ContactIdKey()).ConfigureAwait(false); // a failover right after should not lose a new key
        }
        catch (StoreNotReplicatedException)
        {
            // No replica in time: it follows the master as everything else does; the start-up goes on.
        }
        var owner = Guid.NewGuid().ToString("N");
        var waited = false;
        while ((string?)await db.StringGetAsync(keys.ContactIdScheme()).ConfigureAwait(false) != ContactIds.Scheme)
        {
            if (await db.LockTakeAsync(keys.ContactIdMigrationLock(), owner, LockTime).ConfigureAwait(false))
            {
                // From here a store error stops the start-up (and systemd starts again): the store is half changed, and
                // no worker may run on it until the change is finished.
                migrating = mayChange;
                using var lost = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var renewing = RenewAsync(db, owner, lost);
                try
                {
                    var started = Environment.TickCount64;
                    var migration = new ContactIdMigration(redis, keys, read) { OnlyIfNothingToChange = !mayChange };
                    if (await migration.RunAsync(lost.Token).ConfigureAwait(false) is not { } result)
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
                    await lost.CancelAsync().ConfigureAwait(false);
                    await renewing.ConfigureAwait(false);
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

        // A crash between the marker and the map's removal leaves the map (it links new ids to old ones).
        await db.KeyDeleteAsync(keys.ContactIdMigration()).ConfigureAwait(false);
        ids.Use(read);
        return true;
    }

    /// <summary>Keeps the lock while the migration runs (by the store's clock, so in real time); cancels the run when it is lost.</summary>
    private async Task RenewAsync(IDatabase db, RedisValue owner, CancellationTokenSource lost)
    {
        try
        {
            while (true)
            {
                await Task.Delay(LockTime / 4, TimeProvider.System, lost.Token).ConfigureAwait(false);
                if (!await db.LockExtendAsync(keys.ContactIdMigrationLock(), owner, LockTime).ConfigureAwait(false))
                {
                    await lost.CancelAsync().ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the run ended
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            await lost.CancelAsync().ConfigureAwait(false);
        }
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
