using System.Security.Cryptography;
using System.Text;
using BalcaoVirtual.Web.Infrastructure.Storage;
using StackExchange.Redis;

namespace BalcaoVirtual.Web.Features.Conversations;

/// <summary>
/// A contact's id: the first 80 bits, in hex, of an HMAC-SHA256 of "Channel:Normalized" under a key kept in the store.
/// The id names the contact in keys, logs and links (every conversation id starts with it); without the key nobody can
/// go back from an id to the phone number or address, however few numbers there are to try.
/// </summary>
public sealed class ContactIds
{
    /// <summary>Hex characters in an id.</summary>
    public const int Length = 20;

    /// <summary>What the store's scheme marker says once every id in it is derived this way.</summary>
    public const string Scheme = "hmac-sha256";

    private byte[]? key;

    /// <summary>The id of <paramref name="address"/>.</summary>
    public string Of(ContactAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return Derive($"{address.Channel}:{address.Normalized}");
    }

    /// <summary>
    /// An id for a contact of an older store whose address is no longer known (only the old id is): as unlinkable as
    /// any other, and the same every time, so that a migration cut short and run again picks the same one.
    /// </summary>
    internal string ForLegacy(string oldId) => Derive("legacy:" + oldId);

    private string Derive(string subject)
    {
        var secret = key ?? throw new StoreNotReadyException("The contact-id key");
        return Convert.ToHexStringLower(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(subject)))[..Length];
    }

    /// <summary>The ids of the store behind <paramref name="db"/>: its key is created on first use, once for every node.</summary>
    public static async Task<ContactIds> ReadAsync(IDatabase db, RedisKeys keys)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(keys);
        await db.StringSetAsync(keys.ContactIdKey(), RandomNumberGenerator.GetBytes(32), when: When.NotExists).ConfigureAwait(false);
        byte[]? stored = await db.StringGetAsync(keys.ContactIdKey()).ConfigureAwait(false);
        return stored is { Length: >= 32 }
            ? new ContactIds { key = stored }
            : throw new InvalidOperationException($"The store's contact-id key ({keys.ContactIdKey()}) is shorter than 32 bytes: it was not written by this service.");
    }

    /// <summary>Takes the key of another instance (the one the start-up read).</summary>
    internal void Use(ContactIds other) => key = other.key;
}
