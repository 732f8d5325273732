using BalcaoVirtual.Web.Features.Chatbot;
using BalcaoVirtual.Web.Features.Conversations;

namespace BalcaoVirtual.Tests.Features.Chatbot;

/// <summary>
/// Honest waiting times: on hand-off and to "e aí?" the bot says how many wait before the citizen and, from the unit's
/// typical time to a first answer in its own counting, when the answer is likely, never past the deadline it told.
/// </summary>
public sealed class WaitStandingTests
{
    private const string Macapa = "trt8-vt-macapa-7"; // 48 h, calendar
    private const string Belem = "trt8-vt-belem-1"; // 24 h of service hours, desk 8h–13h

    private static async Task<(ChatDriver Driver, ChatOutcome HandOff)> HandOffAsync(string unitId, long ahead, TimeSpan? typical)
    {
        var driver = new ChatDriver("trt8", unitId);
        driver.Waits.Ahead = ahead;
        driver.Waits.Typical = typical;
        await driver.SayAsync("oi", ChatDriver.Tuesday10);
        await driver.SayAsync("quero falar com um atendente", ChatDriver.Tuesday10);
        var outcome = await driver.SayAsync("Minha audiência foi remarcada?", ChatDriver.Tuesday10);
        Assert.That(outcome.Acts.Select(a => a.Kind), Does.Contain(BotActKind.HandOff), string.Join("\n", outcome.Replies));
        return (driver, outcome);
    }

    [Test]
    public async Task OnHandOff_ThePlace_AndTheLikelyTime_InCalendarHours()
    {
        var (_, outcome) = await HandOffAsync(Macapa, 2, TimeSpan.FromHours(3));
        Assert.That(outcome.Replies[^1], Is.EqualTo(
            "Há 2 conversas antes da sua na fila da 7ª Vara do Trabalho de Macapá. Pelo tempo que a unidade tem levado, a previsão é responder até terça-feira, 15/12, às 13h."));
        Assert.That(outcome.Replies[^2], Does.Contain("até quinta-feira, 17/12, às 10h"), "the deadline is still told");
    }

    [Test]
    public async Task InServiceHours_TheLikelyTime_CountsOnlyTheDesksHours()
    {
        // Four hours of desk time from Tuesday 10h: three that day, one on Wednesday; told as Wednesday's desk closing.
        var (_, outcome) = await HandOffAsync(Belem, 0, TimeSpan.FromHours(4));
        Assert.That(outcome.Replies[^1], Is.EqualTo(
            "Sua conversa é a primeira da fila da 1ª Vara do Trabalho de Belém. Pelo tempo que a unidade tem levado, a previsão é responder até quarta-feira, 16/12, às 13h."));
    }

    [Test]
    public async Task ALikelyTimeAtOrPastTheDeadline_IsNotTold()
    {
        var (_, outcome) = await HandOffAsync(Macapa, 1, TimeSpan.FromHours(60));
        Assert.That(outcome.Replies[^1], Is.EqualTo("Há 1 conversa antes da sua na fila da 7ª Vara do Trabalho de Macapá."));
    }

    [Test]
    public async Task WithoutEnoughAnswers_OnlyThePlace()
    {
        var (_, outcome) = await HandOffAsync(Macapa, 5, null);
        Assert.That(outcome.Replies[^1], Is.EqualTo("Há 5 conversas antes da sua na fila da 7ª Vara do Trabalho de Macapá."));
    }

    [TestCase("e aí?")]
    [TestCase("Quando vão responder?")]
    [TestCase("ninguém responde isso aqui")]
    public async Task AskingAboutTheWait_GetsTheDeadline_ThePlace_AndThatTheWaitOutlastedTheUsual(string asked)
    {
        var (driver, _) = await HandOffAsync(Macapa, 3, TimeSpan.FromHours(3));
        driver.Waits.Ahead = 1; // two were answered meanwhile
        var outcome = await driver.SayAsync(asked, ChatDriver.Tuesday10.AddHours(5));
        Assert.Multiple(() =>
        {
            Assert.That(outcome.Acts, Is.EqualTo(new[] { new BotAct(BotActKind.WaitTime) }));
            Assert.That(outcome.Replies, Is.EqualTo(new[]
            {
                "Sua mensagem está com a 7ª Vara do Trabalho de Macapá. A resposta chega por aqui até quinta-feira, 17/12, às 10h.",
                "Há 1 conversa antes da sua na fila da 7ª Vara do Trabalho de Macapá. Sua espera já passou do tempo que a unidade costuma levar para responder.",
            }));
            Assert.That(driver.Conversation.State, Is.EqualTo(ConversationState.Waiting), "the unit still has it, and sees the question");
        });
    }

    [Test]
    public async Task AskingBeforeTheUsualTime_GetsTheLikelyTimeFromTheHandOff()
    {
        var (driver, _) = await HandOffAsync(Macapa, 0, TimeSpan.FromHours(3));
        var outcome = await driver.SayAsync("e ai", ChatDriver.Tuesday10.AddHours(1));
        Assert.That(outcome.Replies[^1], Does.EndWith("a previsão é responder até terça-feira, 15/12, às 13h."));
    }

    [Test]
    public async Task AskingAfterTheDeadline_SaysItPassed()
    {
        var (driver, _) = await HandOffAsync(Macapa, 0, null);
        var outcome = await driver.SayAsync("alguma resposta?", ChatDriver.Tuesday10.AddHours(49));
        Assert.That(outcome.Replies[0], Is.EqualTo(
            "Sua mensagem está com a 7ª Vara do Trabalho de Macapá. O prazo de resposta já passou: sua mensagem continua na fila e a resposta chega por aqui."));
    }

    [Test]
    public async Task AQuestionToTheUnit_IsNotAnsweredByTheBot()
    {
        var (driver, _) = await HandOffAsync(Macapa, 0, TimeSpan.FromHours(3));
        var outcome = await driver.SayAsync("Esqueci de dizer: a audiência era dia 10", ChatDriver.Tuesday10.AddHours(1));
        Assert.That(outcome.Replies, Is.Empty);
    }
}
