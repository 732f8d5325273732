using BalcaoVirtual.Web.Features.Channels.WhatsApp;

namespace BalcaoVirtual.Tests.Features.Channels.WhatsApp;

public sealed class WhatsAppOptionsTests
{
    [Test]
    public void Validator_NamesEachBadTemplateField()
    {
        var options = new WhatsAppOptions
        {
            AnswerWaiting = new WhatsAppTemplate { TwilioContentSid = "HX123", TwilioVariables = new() { ["0"] = "unidade" } },
            AnswerWaitingFor = { ["trt8-vt-macapa-7"] = new WhatsAppTemplate { TwilioContentSid = null, MetaName = null } },
        };

        var result = new WhatsAppOptionsValidator().Validate(null, options);

        Assert.That(result.Failed, Is.True);
        Assert.That(result.Failures, Has.Some.Contains("WhatsApp:AnswerWaiting:TwilioContentSid 'HX123'"));
        Assert.That(result.Failures, Has.Some.Contains("'unidade' is not a template value"));
        Assert.That(result.Failures, Has.Some.Contains("numbered from 1"));
        Assert.That(result.Failures, Has.Some.Contains("WhatsApp:AnswerWaitingFor:trt8-vt-macapa-7 needs TwilioContentSid"));
    }

    [Test]
    public void AnswerWaitingOf_PrefersTheUnit_ThenTheCourt_ThenTheDefault()
    {
        var (unit, court, fallback) = (new WhatsAppTemplate { MetaName = "u" }, new WhatsAppTemplate { MetaName = "c" }, new WhatsAppTemplate { MetaName = "d" });
        var options = new WhatsAppOptions { AnswerWaiting = fallback, AnswerWaitingFor = { ["vt7"] = unit, ["TRT8"] = court } };

        Assert.That(options.AnswerWaitingOf("vt7", "TRT8"), Is.SameAs(unit));
        Assert.That(options.AnswerWaitingOf("vt1", "TRT8"), Is.SameAs(court));
        Assert.That(options.AnswerWaitingOf("vt1", "TRE-PA"), Is.SameAs(fallback));
        Assert.That(new WhatsAppOptions().AnswerWaitingOf("vt1", "TRT8"), Is.Null);
    }
}
