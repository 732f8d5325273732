using BalcaoVirtual.Web.Features.Chatbot;
using BalcaoVirtual.Web.Features.Units;

namespace BalcaoVirtual.Tests.Features.Chatbot;

public sealed class ChatbotOptionsTests
{
    [Test]
    public void Validate_NamesEveryMissingField_WhenNothingIsSet()
    {
        var result = new ChatbotOptionsValidator().Validate(null, new ChatbotOptions());

        Assert.That(result.Failed, Is.True);
        Assert.That(result.FailureMessage, Does.Contain("Chatbot:CourtName").And.Contain("Chatbot:PrivacyPolicyUrl")
            .And.Contain("Chatbot:PjeUrl").And.Contain("Chatbot:DataProtectionOfficer"));
    }

    [TestCase("00:00:10")]
    [TestCase("8.00:00:00")]
    public void Validate_RejectsAnIdleTimeoutOutOfRange(string idle)
    {
        var options = new ChatbotOptions
        {
            CourtName = "TRT8",
            PrivacyPolicyUrl = new Uri("https://www.trt8.jus.br/lgpd"),
            PjeUrl = new Uri("https://pje.trt8.jus.br"),
            DataProtectionOfficer = "encarregado@trt8.jus.br",
            IdleTimeout = TimeSpan.Parse(idle, System.Globalization.CultureInfo.InvariantCulture),
        };

        Assert.That(new ChatbotOptionsValidator().Validate(null, options).FailureMessage, Does.Contain("Chatbot:IdleTimeout"));
    }

    [Test]
    public void Format_ReadsLikeBrazilianPortuguese()
    {
        var belem = TimeZoneInfo.FindSystemTimeZoneById("America/Belem");
        Assert.Multiple(() =>
        {
            Assert.That(BotFormat.When(new DateTimeOffset(2026, 11, 26, 17, 0, 0, TimeSpan.Zero), belem), Is.EqualTo("quinta-feira, 26/11, às 14h"));
            Assert.That(BotFormat.When(new DateTimeOffset(2026, 11, 28, 11, 30, 0, TimeSpan.Zero), belem), Is.EqualTo("sábado, 28/11, às 8h30"));
            Assert.That(BotFormat.Phone("+559140080001"), Is.EqualTo("(91) 4008-0001"));
            Assert.That(BotFormat.Phone("+5591981234567"), Is.EqualTo("(91) 98123-4567"));
            Assert.That(BotFormat.Days(new HashSet<DayOfWeek> { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday }), Is.EqualTo("segunda a sexta"));
            Assert.That(BotFormat.Days(new HashSet<DayOfWeek> { DayOfWeek.Monday, DayOfWeek.Wednesday, DayOfWeek.Friday }), Is.EqualTo("segunda, quarta e sexta"));
            Assert.That(BotFormat.Hours([new ServicePeriod(new HashSet<DayOfWeek> { DayOfWeek.Saturday }, new TimeOnly(8, 0), new TimeOnly(12, 30))]), Is.EqualTo("sábado, das 8h às 12h30"));
            Assert.That(BotFormat.Inline("Recesso forense"), Is.EqualTo("recesso forense"));
        });
    }
}
