using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Infrastructure;
using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Web.Features.Chatbot;

public static class ChatbotFeature
{
    public static IServiceCollection AddChatbot(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddStrictOptions<ChatbotOptions, ChatbotOptionsValidator>(configuration, ChatbotOptions.Section);
        services.AddSingleton<OfficialChannels>();
        services.AddSingleton<ChatFlow>();
        services.AddSingleton<IInboundHandler, Dialog>();
        return services;
    }
}
