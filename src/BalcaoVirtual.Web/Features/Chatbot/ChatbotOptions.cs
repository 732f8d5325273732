using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Web.Features.Chatbot;

/// <summary>The one place for the court's name and links the chatbot gives citizens (section "Chatbot").</summary>
public sealed class ChatbotOptions
{
    public const string Section = "Chatbot";

    /// <summary>How the greeting names the court ("Tribunal Regional do Trabalho da 8ª Região").</summary>
    public string CourtName { get; set; } = "";

    /// <summary>The court's privacy policy, linked in the first reply of every conversation (LGPD art. 9º).</summary>
    public Uri? PrivacyPolicyUrl { get; set; }

    /// <summary>How to reach the court's data protection officer (encarregado): an e-mail address or a page.</summary>
    public string DataProtectionOfficer { get; set; } = "";

    /// <summary>Where petitions and documents go (the Balcão Virtual takes none).</summary>
    public Uri? PjeUrl { get; set; }

    /// <summary>After this long without a message, the next one starts again from the menu, with a note.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Messages it did not understand before it offers to pass the conversation to a clerk.</summary>
    public int MissesBeforeOffer { get; set; } = 2;
}

internal sealed class ChatbotOptionsValidator : IValidateOptions<ChatbotOptions>
{
    public ValidateOptionsResult Validate(string? name, ChatbotOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.CourtName))
        {
            failures.Add("Chatbot:CourtName is required: the court's name as citizens should read it in the greeting.");
        }

        CheckUrl(options.PrivacyPolicyUrl, "Chatbot:PrivacyPolicyUrl", "the court's privacy policy page (LGPD notice)", failures);
        CheckUrl(options.PjeUrl, "Chatbot:PjeUrl", "the court's PJe address, where petitions go", failures);
        if (string.IsNullOrWhiteSpace(options.DataProtectionOfficer))
        {
            failures.Add("Chatbot:DataProtectionOfficer is required: the e-mail or page of the court's data protection officer (encarregado).");
        }

        if (options.IdleTimeout < TimeSpan.FromMinutes(1) || options.IdleTimeout > TimeSpan.FromDays(7))
        {
            failures.Add("Chatbot:IdleTimeout must be between 00:01:00 and 7.00:00:00.");
        }

        if (options.MissesBeforeOffer is < 1 or > 10)
        {
            failures.Add("Chatbot:MissesBeforeOffer must be from 1 to 10.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckUrl(Uri? url, string key, string what, List<string> failures)
    {
        if (url is null || !url.IsAbsoluteUri || url.Scheme is not ("https" or "http"))
        {
            failures.Add($"{key} must be an absolute http(s) URL: {what}.");
        }
    }
}
