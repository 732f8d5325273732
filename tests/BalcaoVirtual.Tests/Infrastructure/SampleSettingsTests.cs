using BalcaoVirtual.Web.Features.Auth;
using BalcaoVirtual.Web.Features.Channels.Twilio;
using BalcaoVirtual.Web.Features.Units;
using BalcaoVirtual.Web.Infrastructure.Storage;
using Microsoft.Extensions.Configuration;

namespace BalcaoVirtual.Tests.Infrastructure;

/// <summary>appsettings.sample.json documents real keys: it binds with unknown keys refused, and validates.</summary>
public sealed class SampleSettingsTests
{
    private static readonly IConfiguration Sample = new ConfigurationBuilder()
        .AddJsonFile(RepoPaths.File("appsettings.sample.json"), optional: false)
        .Build();

    [Test]
    public void Sample_BindsStorage_WithNoUnknownKey_AndValidates()
    {
        var options = Bind<StorageOptions>(StorageOptions.Section);

        Assert.That(new StorageOptionsValidator().Validate(null, options).Succeeded, Is.True);
        Assert.That(options.Durability, Is.EqualTo(new StorageOptions().Durability));
    }

    [Test]
    public void Sample_BindsAuth_WithNoUnknownKey_AndDefaultsMatchCode()
    {
        var options = Bind<AuthOptions>(AuthOptions.Section);

        Assert.That(options.TokenLifetime, Is.EqualTo(new AuthOptions().TokenLifetime));
        Assert.That(options.MaxFailedAttempts, Is.EqualTo(new AuthOptions().MaxFailedAttempts));
    }

    [Test]
    public void Sample_BindsTwilio_WithNoUnknownKey_AndValidates()
    {
        var options = Bind<TwilioOptions>(TwilioOptions.Section);

        Assert.That(new TwilioOptionsValidator().Validate(null, options).Succeeded, Is.True);
        Assert.That(options.IsConfigured, Is.False, "the sample holds no account");
    }

    [Test]
    public void Sample_BindsSlaAndSmtp_WithNoUnknownKey_AndValidates()
    {
        var sla = Bind<BalcaoVirtual.Web.Features.Sla.SlaOptions>(BalcaoVirtual.Web.Features.Sla.SlaOptions.Section);
        Assert.That(new BalcaoVirtual.Web.Features.Sla.SlaOptionsValidator().Validate(null, sla).Succeeded, Is.True);
        var smtp = Bind<BalcaoVirtual.Web.Infrastructure.Mail.SmtpOptions>(BalcaoVirtual.Web.Infrastructure.Mail.SmtpOptions.Section);
        Assert.That(new BalcaoVirtual.Web.Infrastructure.Mail.SmtpOptionsValidator().Validate(null, smtp).Succeeded, Is.True);
    }

    [Test]
    public void BadSlaAndSmtpSettings_AreNamed()
    {
        var sla = new BalcaoVirtual.Web.Features.Sla.SlaOptions { Workers = 0, SweepCron = "every minute", InboxBaseUrl = new Uri("/inbox", UriKind.Relative), DuePollInterval = TimeSpan.Zero };
        Assert.That(new BalcaoVirtual.Web.Features.Sla.SlaOptionsValidator().Validate(null, sla).Failures, Has.Some.StartsWith("Sla:Workers")
            .And.Some.StartsWith("Sla:SweepCron").And.Some.StartsWith("Sla:InboxBaseUrl").And.Some.StartsWith("Sla:DuePollInterval"));
        var smtp = new BalcaoVirtual.Web.Infrastructure.Mail.SmtpOptions { Host = "smtp.trt8.jus.br", Port = 0, From = "not an address", UserName = "balcao" };
        Assert.That(new BalcaoVirtual.Web.Infrastructure.Mail.SmtpOptionsValidator().Validate(null, smtp).Failures, Has.Some.StartsWith("Smtp:Port")
            .And.Some.StartsWith("Smtp:From").And.Some.StartsWith("Smtp:UserName"));
    }

    [Test]
    public void Sample_BindsChatbot_WithNoUnknownKey_AndValidates()
    {
        var options = Bind<BalcaoVirtual.Web.Features.Chatbot.ChatbotOptions>(BalcaoVirtual.Web.Features.Chatbot.ChatbotOptions.Section);

        Assert.That(new BalcaoVirtual.Web.Features.Chatbot.ChatbotOptionsValidator().Validate(null, options).Succeeded, Is.True);
    }

    [Test]
    public void Sample_BindsUnits_ToTheShippedSample() =>
        Assert.That(Bind<UnitsOptions>(UnitsOptions.Section).Catalog, Is.EqualTo(new UnitsOptions().Catalog));

    private static T Bind<T>(string section)
        where T : new()
    {
        var options = new T();
        Sample.GetSection(section).Bind(options, o => o.ErrorOnUnknownConfiguration = true);
        return options;
    }
}
