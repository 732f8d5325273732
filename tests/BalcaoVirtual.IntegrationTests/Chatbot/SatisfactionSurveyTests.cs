using System.Net.Http.Json;
using System.Text.Json;
using BalcaoVirtual.IntegrationTests.Sla;
using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Web.Features.Conversations;
using Microsoft.Extensions.DependencyInjection;

namespace BalcaoVirtual.IntegrationTests.Chatbot;

/// <summary>
/// Satisfaction after closing, through the real webhook, store, sender and report: a clerk's close after an answer asks
/// the citizen once (1 to 5, and a comment); a close without an answer, or a citizen who asked for no surveys, gets no
/// survey; the unit's month counts rate, average and ratings, and shows the comments to its managers only. The clock
/// starts on Monday 23/11/2026 at 9h in Belém.
/// </summary>
public sealed class SatisfactionSurveyTests : MacapaClerkFixture
{
    internal const string Closed = "A 7ª Vara do Trabalho de Macapá encerrou este atendimento. Se precisar de mais alguma coisa, é só escrever aqui de novo, a qualquer hora.";
    internal const string Survey = "Como foi o atendimento da 7ª Vara do Trabalho de Macapá? Responda com o número:\n1 - Muito ruim\n2 - Ruim\n3 - Regular\n4 - Bom\n5 - Ótimo\nSe quiser, escreva também um comentário.";
    protected override string ClerkEmail => "clerk.pesquisa@trt8.jus.br";

    /// <summary>A question handed to Macapá, answered by the clerk (unless not), then closed by the clerk: what the citizen got.</summary>
    private async Task<(Conversation Conversation, IReadOnlyList<string> Told)> ServedAndClosedAsync(string from, string to, bool answer = true)
    {
        if (to == BotHarness.SmsCentral)
        {
            await Bot.SayAsync("quero falar com um atendente", from, to);
            await Bot.SayAsync("Macapá", from, to);
        }

        await Bot.SayAsync("Minha audiência foi remarcada?", from, to);
        var conversation = await Bot.ConversationAsync(from, to);
        if (answer)
        {
            Assert.That((int)(await Clerk.PostAsJsonAsync($"/api/conversations/{conversation.Id}/messages", new { text = "Sim, para 10/12 às 9h." })).StatusCode, Is.EqualTo(202));
        }

        Bot.Factory.Time.Advance(TimeSpan.FromMinutes(5));
        var closed = await Clerk.PostAsync($"/api/conversations/{conversation.Id}/close", null);
        Assert.That(closed.IsSuccessStatusCode, await closed.Content.ReadAsStringAsync());
        var outbox = Bot.Factory.Services.GetRequiredService<Outbox>();
        await TestServers.WaitUntilAsync(async () => await outbox.PendingAsync() == 0, TimeSpan.FromSeconds(20), "the close to be sent");
        var told = await Bot.RepliesAsync();
        return (await Bot.ConversationAsync(from, to), answer ? [.. told.Skip(1)] : told); // the clerk's answer first
    }

    [Test]
    public async Task OnWhatsApp_AClosedAnswer_IsRated_WithTheCommentInTheSameMessage_ThenTheBotIsBack()
    {
        var (conversation, told) = await ServedAndClosedAsync(BotHarness.Citizen, BotHarness.MacapaNumber);
        Assert.That(told, Is.EqualTo(new[] { Closed, Survey }));
        Assert.That(conversation.Surveys.Single().Score, Is.Null);

        Assert.That(await Bot.SayAsync("4 - gostei, mas demorou um pouco", BotHarness.Citizen, BotHarness.MacapaNumber),
            Is.EqualTo(new[] { "Obrigado pela avaliação e pelo comentário! Se precisar de algo mais, é só escrever." }));
        var rated = (await Bot.ConversationAsync(BotHarness.Citizen, BotHarness.MacapaNumber)).Surveys.Single();
        Assert.Multiple(() =>
        {
            Assert.That((rated.Score, rated.Comment, rated.UnitId), Is.EqualTo(((int?)4, "gostei, mas demorou um pouco", SlaSupport.Macapa)));
            Assert.That(rated.AnsweredAt, Is.EqualTo(Bot.Factory.Time.GetUtcNow()));
        });

        // Rated and commented: the next message is a new conversation with the Bot.
        Assert.That((await Bot.SayAsync("oi", BotHarness.Citizen, BotHarness.MacapaNumber)).Single(), Does.Contain("Como posso ajudar?"));
        Assert.That((await Bot.ConversationAsync(BotHarness.Citizen, BotHarness.MacapaNumber)).State, Is.EqualTo(ConversationState.Bot));
    }

    [Test]
    public async Task OnSms_ARatingAlone_ThenTheCommentInTheNextMessage()
    {
        var (_, told) = await ServedAndClosedAsync(BotHarness.SmsCitizen, BotHarness.SmsCentral);
        Assert.That(told, Is.EqualTo(new[] { Closed, Survey }));
        Assert.That(await Bot.SayAsync("5", BotHarness.SmsCitizen, BotHarness.SmsCentral),
            Is.EqualTo(new[] { "Obrigado pela avaliação! Se quiser, conte em uma mensagem o que achou do atendimento." }));
        Assert.That(await Bot.SayAsync("A servidora foi muito atenciosa", BotHarness.SmsCitizen, BotHarness.SmsCentral),
            Is.EqualTo(new[] { "Comentário registrado. Obrigado! Se precisar de algo mais, é só escrever." }));
        var rated = (await Bot.ConversationAsync(BotHarness.SmsCitizen, BotHarness.SmsCentral)).Surveys.Single();
        Assert.That((rated.Score, rated.Comment), Is.EqualTo(((int?)5, "A servidora foi muito atenciosa")));
    }

    [Test]
    public async Task ARequestAfterTheRating_IsNoComment_AndANumberDaysLater_IsTheMenusAgain()
    {
        await ServedAndClosedAsync(BotHarness.Citizen, BotHarness.MacapaNumber);
        await Bot.SayAsync("3", BotHarness.Citizen, BotHarness.MacapaNumber);
        Assert.That((await Bot.SayAsync("menu", BotHarness.Citizen, BotHarness.MacapaNumber)).Single(), Does.Contain("Como posso ajudar?"));
        Assert.That((await Bot.ConversationAsync(BotHarness.Citizen, BotHarness.MacapaNumber)).Surveys.Single().Comment, Is.Null);

        // A question that starts with a number, and a payment demand after a number, are no ratings.
        await ServedAndClosedAsync("whatsapp:+5591981110002", BotHarness.MacapaNumber);
        Assert.That((await Bot.SayAsync("1. Qual o prazo para recorrer?", "whatsapp:+5591981110002", BotHarness.MacapaNumber)).Single(),
            Does.Not.Contain("avaliação"));
        Assert.That((await Bot.ConversationAsync("whatsapp:+5591981110002", BotHarness.MacapaNumber)).Surveys.Single().Score, Is.Null);
        await ServedAndClosedAsync("whatsapp:+5591981110003", BotHarness.MacapaNumber);
        Assert.That((await Bot.SayAsync("1 - o advogado pediu um pix pra liberar o alvará", "whatsapp:+5591981110003", BotHarness.MacapaNumber)).Single(),
            Does.Contain("nunca pede PIX"));

        // A rating alone, then news of the case: no comment, the unit's again.
        await ServedAndClosedAsync("whatsapp:+5591981110004", BotHarness.MacapaNumber);
        await Bot.SayAsync("2", "whatsapp:+5591981110004", BotHarness.MacapaNumber);
        await Bot.SayAsync("meu alvará ainda não foi liberado", "whatsapp:+5591981110004", BotHarness.MacapaNumber);
        Assert.That((await Bot.ConversationAsync("whatsapp:+5591981110004", BotHarness.MacapaNumber)).Surveys.Single().Comment, Is.Null);

        // Another citizen answers four days after the close: the survey has lapsed; "2" is the menu's option.
        await ServedAndClosedAsync("whatsapp:+5591981110001", BotHarness.MacapaNumber);
        Bot.Factory.Time.Advance(TimeSpan.FromDays(4));
        var late = await Bot.SayAsync("2", "whatsapp:+5591981110001", BotHarness.MacapaNumber);
        Assert.That(late.Single(), Does.Contain("Escreva sua dúvida"), "option 2, talk to the unit");
        Assert.That((await Bot.ConversationAsync("whatsapp:+5591981110001", BotHarness.MacapaNumber)).Surveys.Single().Score, Is.Null);
    }

    [Test]
    public async Task NoSurvey_WhenClosedWithoutAnAnswer_OrWhenTheCitizenAskedForNone()
    {
        var (unanswered, told) = await ServedAndClosedAsync(BotHarness.Citizen, BotHarness.MacapaNumber, answer: false);
        Assert.That(told, Is.EqualTo(new[] { Closed }), "closed without a clerk's answer");
        Assert.That(unanswered.Surveys, Is.Empty);

        // Back with the bot, answered and closed: the earlier answer-less close does not count, this one does.
        var (again, toldAgain) = await ServedAndClosedAsync(BotHarness.Citizen, BotHarness.MacapaNumber);
        Assert.That(toldAgain, Is.EqualTo(new[] { Closed, Survey }));
        Assert.That(again.Surveys, Has.Count.EqualTo(1));

        Assert.That(await Bot.SayAsync("não quero pesquisa", BotHarness.Citizen, BotHarness.MacapaNumber),
            Is.EqualTo(new[] { "Certo: não vamos mais mandar pesquisas de satisfação para você. O atendimento continua normalmente." }));
        var (quiet, toldQuiet) = await ServedAndClosedAsync(BotHarness.Citizen, BotHarness.MacapaNumber);
        Assert.That(toldQuiet, Is.EqualTo(new[] { Closed }), "she asked for none");
        Assert.That(quiet.NoSurvey, Is.True);
        Assert.That(quiet.Surveys, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task OutsideTheWhatsAppWindow_NoSurveyIsSentNorCounted()
    {
        await Bot.SayAsync("Minha audiência foi remarcada?", BotHarness.Citizen, BotHarness.MacapaNumber);
        var conversation = await Bot.ConversationAsync(BotHarness.Citizen, BotHarness.MacapaNumber);
        Assert.That((int)(await Clerk.PostAsJsonAsync($"/api/conversations/{conversation.Id}/messages", new { text = "Sim, para 10/12." })).StatusCode, Is.EqualTo(202));
        Bot.Factory.Time.Advance(TimeSpan.FromHours(25));
        await Bot.RepliesAsync();
        await SignInAgainAsync();
        Assert.That((await Clerk.PostAsync($"/api/conversations/{conversation.Id}/close", null)).IsSuccessStatusCode);
        var outbox = Bot.Factory.Services.GetRequiredService<Outbox>();
        await TestServers.WaitUntilAsync(async () => await outbox.PendingAsync() == 0, TimeSpan.FromSeconds(20), "the close to be sent");
        var after = await Bot.ConversationAsync(BotHarness.Citizen, BotHarness.MacapaNumber);
        Assert.That((after.State, after.Surveys.Count), Is.EqualTo((ConversationState.Closed, 0)));
        Assert.That(Bot.Twilio.Requests.Select(r => r.Body), Has.None.Contains("Como foi o atendimento"));
    }

    [Test]
    public async Task TheMonth_CountsRateAverageAndRatings_AsJsonCsvAndPage_WithTheCommentsForManagersOnly()
    {
        // November: four surveys (ratings 5, 2 with an unsafe comment, one unanswered, 4); December: one more, not in November's figures.
        var (five, _) = await ServedAndClosedAsync("whatsapp:+5591981110001", BotHarness.MacapaNumber);
        await Bot.SayAsync("5", "whatsapp:+5591981110001", BotHarness.MacapaNumber);
        var (two, _) = await ServedAndClosedAsync("whatsapp:+5591981110002", BotHarness.MacapaNumber);
        await Bot.SayAsync("2 <script>alert(1)</script> ninguém resolveu", "whatsapp:+5591981110002", BotHarness.MacapaNumber);
        await ServedAndClosedAsync("whatsapp:+5591981110003", BotHarness.MacapaNumber);
        var (four, _) = await ServedAndClosedAsync("whatsapp:+5591981110004", BotHarness.MacapaNumber);
        await Bot.SayAsync("⭐⭐⭐⭐", "whatsapp:+5591981110004", BotHarness.MacapaNumber);
        Bot.Factory.Time.SetUtcNow(new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero));
        await SignInAgainAsync(); // the session expired meanwhile
        await ServedAndClosedAsync("whatsapp:+5591981110005", BotHarness.MacapaNumber);
        await Bot.SayAsync("1", "whatsapp:+5591981110005", BotHarness.MacapaNumber);

        using var manager = await Bot.Factory.ClientForNewUserAsync("chefe.pesquisa@trt8.jus.br", managerOf: [SlaSupport.Macapa]);
        var month = $"/api/reports/sla?unit={SlaSupport.Macapa}&from=2026-11-01&to=2026-11-30";
        var report = await manager.GetFromJsonAsync<JsonElement>(month);
        var satisfaction = report.GetProperty("satisfaction");
        Assert.Multiple(() =>
        {
            Assert.That(satisfaction.GetProperty("asked").GetInt32(), Is.EqualTo(4));
            Assert.That(satisfaction.GetProperty("answered").GetInt32(), Is.EqualTo(3));
            Assert.That(satisfaction.GetProperty("responseRate").GetDouble(), Is.EqualTo(0.75));
            Assert.That(satisfaction.GetProperty("average").GetDouble(), Is.EqualTo(11.0 / 3).Within(1e-9));
            Assert.That(satisfaction.GetProperty("distribution").EnumerateArray().Select(n => n.GetInt32()), Is.EqualTo(new[] { 0, 1, 0, 1, 1 }));
            var comment = satisfaction.GetProperty("comments").EnumerateArray().Single();
            Assert.That(comment.GetProperty("conversationId").GetString(), Is.EqualTo(two.Id));
            Assert.That(comment.GetProperty("comment").GetString(), Is.EqualTo("<script>alert(1)</script> ninguém resolveu"));
        });

        var clerkView = await Clerk.GetFromJsonAsync<JsonElement>(month);
        Assert.That(clerkView.GetProperty("satisfaction").GetProperty("comments").GetArrayLength(), Is.Zero, "comments are for the unit's managers");
        Assert.That(clerkView.GetProperty("satisfaction").GetProperty("average").GetDouble(), Is.EqualTo(11.0 / 3).Within(1e-9));

        var csv = await manager.GetStringAsync(month + "&format=csv");
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Does.EndWith(",payment_warning,satisfaction"));
        Assert.That(lines.Single(l => l.StartsWith(five.Id, StringComparison.Ordinal)), Does.EndWith(",5"));
        Assert.That(lines.Single(l => l.StartsWith(four.Id, StringComparison.Ordinal)), Does.EndWith(",4"));
        Assert.That(csv, Does.Not.Contain("ninguém resolveu"), "no citizen's words in the CSV");

        var page = await manager.GetStringAsync($"/reports/sla/{SlaSupport.Macapa}/2026-11");
        Assert.That(page, Does.Contain("&lt;script&gt;alert(1)&lt;/script&gt; ninguém resolveu").And.Not.Contain("<script>alert(1)"));
        Assert.That(page, Does.Contain($"/inbox/conversations/{Uri.EscapeDataString(two.Id)}"));
        Assert.That(page, Does.Contain("3 (75%)").Or.Contain("3 (75 %)"));
        var clerkPage = await Clerk.GetStringAsync($"/reports/sla/{SlaSupport.Macapa}/2026-11");
        Assert.That(clerkPage, Does.Contain("visíveis para a chefia").And.Not.Contain("ninguém resolveu"));
    }
}
