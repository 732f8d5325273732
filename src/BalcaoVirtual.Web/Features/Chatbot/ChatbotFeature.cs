using BalcaoVirtual.Web.Features.Conversations;
using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Web.Features.Chatbot;

public static class ChatbotFeature
{
    public static IServiceCollection AddChatbot(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ChatbotOptions>()
            .Bind(configuration.GetSection(ChatbotOptions.Section), o => o.ErrorOnUnknownConfiguration = true)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ChatbotOptions>, ChatbotOptionsValidator>();
        services.AddSingleton<IInboundHandler, Dialog>();
        return services;
    }
}
