using System.Globalization;
using BalcaoVirtual.Web.Infrastructure.Storage;
using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Web.Features.Channels.Email;

/// <summary>
/// The loop guard of automatic e-mail answers: at most <see cref="MailOptions.AutoRepliesPerSenderPerDay"/> a day to
/// one sender, so that two robots answering each other stop at once, and a flood gets few answers.
/// </summary>
public sealed class MailAutoReplies(RedisConnections redis, RedisKeys keys, IOptions<MailOptions> options, TimeProvider time)
{
    /// <summary>Counts one automatic answer to the contact; false when today's allowance is spent (send nothing).</summary>
    public async Task<bool> TryTakeAsync(string contactId)
    {
        var key = keys.MailAutoReplies(contactId, time.GetUtcNow().ToString("yyyyMMdd", CultureInfo.InvariantCulture));
        var db = redis.GetDatabase();
        var count = await db.StringIncrementAsync(key).ConfigureAwait(false);
        if (count == 1)
        {
            await db.KeyExpireAsync(key, TimeSpan.FromDays(2)).ConfigureAwait(false);
        }

        return count <= options.Value.AutoRepliesPerSenderPerDay;
    }
}
