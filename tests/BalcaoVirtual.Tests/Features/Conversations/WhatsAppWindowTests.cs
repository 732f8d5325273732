using BalcaoVirtual.Web.Features.Conversations;

namespace BalcaoVirtual.Tests.Features.Conversations;

public sealed class WhatsAppWindowTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static Conversation On(Channel channel) => new() { Id = "c", Channel = channel, ContactAddress = "whatsapp:+5596981111111" };

    private static Message From(MessageDirection direction, DateTimeOffset at, Channel channel = Channel.WhatsApp) => new()
    {
        Id = Guid.NewGuid().ToString("N"), Direction = direction, Channel = channel,
        Author = direction == MessageDirection.Inbound ? MessageAuthor.Citizen : MessageAuthor.Clerk, Text = "x", CreatedAt = at,
    };

    [TestCase(0, true, false)]
    [TestCase(21 * 60 + 59, true, false)]
    [TestCase(22 * 60 + 1, true, true)]
    [TestCase(24 * 60 - 1, true, true)]
    [TestCase(24 * 60, false, false)]
    [TestCase(25 * 60, false, false)]
    public void Of_CountsFromTheCitizensLastMessage(int minutesLater, bool open, bool closingSoon)
    {
        var messages = new[] { From(MessageDirection.Inbound, Start.AddHours(-3)), From(MessageDirection.Inbound, Start), From(MessageDirection.Outbound, Start.AddHours(1)) };

        var window = WhatsAppWindow.Of(On(Channel.WhatsApp), messages, Start.AddMinutes(minutesLater));

        Assert.That(window, Is.EqualTo(new WhatsAppWindow(open, Start.AddHours(24), closingSoon)));
    }

    [Test]
    public void Of_IsNull_OffWhatsApp_AndClosed_WithoutAnyCitizenMessage()
    {
        Assert.That(WhatsAppWindow.Of(On(Channel.Sms), [From(MessageDirection.Inbound, Start, Channel.Sms)], Start), Is.Null);
        Assert.That(WhatsAppWindow.Of(On(Channel.WhatsApp), [From(MessageDirection.Outbound, Start)], Start), Is.EqualTo(new WhatsAppWindow(false, null, false)));
    }
}
