namespace BalcaoVirtual.Web.Features.Conversations;

/// <summary>
/// WhatsApp's customer-service window: free text reaches a citizen only within 24 hours of their last message;
/// after it, only an approved template does (protocols.md §5). Null for conversations on other channels.
/// </summary>
/// <param name="ClosingSoon">Open, but for less than <see cref="Warning"/>: the inbox tells the clerk to answer before it closes.</param>
public sealed record WhatsAppWindow(bool Open, DateTimeOffset? ClosesAt, bool ClosingSoon)
{
    public static readonly TimeSpan Length = TimeSpan.FromHours(24);

    public static readonly TimeSpan Warning = TimeSpan.FromHours(2);

    public static WhatsAppWindow? Of(Conversation conversation, IEnumerable<Message> messages, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        if (conversation.Channel != Channel.WhatsApp)
        {
            return null;
        }

        var last = messages
            .Where(m => m.Direction == MessageDirection.Inbound && m.Channel == Channel.WhatsApp)
            .Select(m => (DateTimeOffset?)m.CreatedAt)
            .Max();
        var closesAt = last + Length;
        return new WhatsAppWindow(closesAt > now, closesAt, closesAt > now && closesAt - now < Warning);
    }
}
