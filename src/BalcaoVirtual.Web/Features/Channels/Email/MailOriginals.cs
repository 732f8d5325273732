using BalcaoVirtual.Web.Infrastructure.Storage;
using MimeKit;
using StackExchange.Redis;

namespace BalcaoVirtual.Web.Features.Channels.Email;

/// <summary>
/// Keeps each inbound mail's original MIME next to its message, so the unit can open its attachments and its
/// original HTML. Stored in chunks, because a store's record has a size limit (the embedded store's page is 4 MB).
/// </summary>
public sealed class MailOriginals(RedisConnections redis, RedisKeys keys)
{
    private const int ChunkBytes = 512 * 1024;

    public async Task StoreAsync(string conversationId, string messageId, MimeMessage message, CancellationToken cancellationToken)
    {
        var key = keys.MailOriginal(conversationId, messageId);
        var db = redis.GetDatabase();
        if (await db.KeyExistsAsync(key).ConfigureAwait(false))
        {
            return; // the same mail fetched again
        }

        using var buffer = new MemoryStream();
        await message.WriteToAsync(buffer, cancellationToken).ConfigureAwait(false);
        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        var temporary = (RedisKey)(key.ToString() + ":writing");
        await db.KeyDeleteAsync(temporary).ConfigureAwait(false);
        for (var offset = 0; offset < bytes.Length; offset += ChunkBytes)
        {
            await db.ListRightPushAsync(temporary, bytes.Slice(offset, Math.Min(ChunkBytes, bytes.Length - offset))).ConfigureAwait(false);
        }

        // Seen whole or not at all.
        await db.KeyRenameAsync(temporary, key).ConfigureAwait(false);
    }

    /// <summary>
    /// The original mail, or null when it was not kept (too large, or removed by retention). The caller has checked that
    /// the message belongs to the conversation.
    /// </summary>
    public async Task<MimeMessage?> LoadAsync(string conversationId, string messageId, CancellationToken cancellationToken)
    {
        var db = redis.GetDatabase();
        var chunks = await db.ListRangeAsync(keys.MailOriginal(conversationId, messageId)).ConfigureAwait(false);
        if (chunks.Length == 0)
        {
            chunks = await db.ListRangeAsync(keys.LegacyMailOriginal(conversationId, messageId)).ConfigureAwait(false);
        }

        if (chunks.Length == 0)
        {
            return null;
        }

        var stream = new MemoryStream();
        foreach (var chunk in chunks)
        {
            stream.Write((byte[])chunk!);
        }

        stream.Position = 0;
        return await MimeMessage.LoadAsync(stream, cancellationToken).ConfigureAwait(false);
    }
}
