using BalcaoVirtual.Web.Features.Channels.Meta;
using BalcaoVirtual.Web.Features.Conversations;

namespace BalcaoVirtual.Web.Features.Channels.WhatsApp;

/// <summary>A WhatsApp answer leaves through the provider the citizen wrote through: Meta's Cloud API or Twilio.</summary>
internal sealed class WhatsAppRouter(IOutboundTransport twilio, MetaTransport meta) : IOutboundTransport
{
    public Task<SendOutcome> SendAsync(Conversation conversation, Message message, CancellationToken cancellationToken) =>
        conversation.ChannelAccount?.StartsWith("meta:", StringComparison.Ordinal) == true
            ? meta.SendAsync(conversation, message, cancellationToken)
            : twilio.SendAsync(conversation, message, cancellationToken);
}
