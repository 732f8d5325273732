using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BalcaoVirtual.IntegrationTests.Chatbot;
using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Web.Features.Conversations;
using Microsoft.Extensions.DependencyInjection;

namespace BalcaoVirtual.IntegrationTests.Channels;

/// <summary>
/// Meta's WhatsApp Cloud API as the second provider, end to end with the fake Graph API: the same chatbot, inbox and
/// window rules as Twilio, with Meta's signatures, duplicates, disorder and error codes.
/// </summary>
public sealed class MetaChannelTests
{
    private static readonly string Macapa = "whatsapp:+" + FakeMeta.MacapaDisplay;

    private static async Task<(FakeMeta Meta, BotHarness Bot)> StartAsync(Dictionary<string, string?>? more = null)
    {
        var meta = await FakeMeta.StartAsync();
        var settings = meta.Settings();
        foreach (var (key, value) in more ?? [])
        {
            settings[key] = value;
        }

        return (meta, await BotHarness.StartAsync(settings));
    }

    [Test]
    public async Task Verification_AnswersTheChallengeAsText_OnlyForTheRightToken()
    {
        var (meta, bot) = await StartAsync();
        await using var _ = meta;
        await using var __ = bot;

        var ok = await bot.Service.GetAsync($"/webhooks/meta?hub.mode=subscribe&hub.verify_token={FakeMeta.VerifyToken}&hub.challenge=1158201444");
        Assert.That(ok.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await ok.Content.ReadAsStringAsync(), Is.EqualTo("1158201444"));
        Assert.That(ok.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/plain"));
        var wrong = await bot.Service.GetAsync("/webhooks/meta?hub.mode=subscribe&hub.verify_token=outro&hub.challenge=1158201444");
        Assert.That(wrong.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    /// <summary>Meta's requests leave from a shared pool too: a forger's flood from it is held back, Meta's signed ones are not.</summary>
    [Test]
    public async Task Webhook_RefusedOverAndOver_FromOneAddress_Is429WithoutALogLine_ButSignedMessagesFromItAreStored()
    {
        var (meta, bot) = await StartAsync();
        await using var _ = meta;
        await using var __ = bot;
        using var pool = new HttpClient(bot.Factory.Server.CreateHandler(c => c.Connection.RemoteIpAddress = System.Net.IPAddress.Parse("203.0.113.77")))
        {
            BaseAddress = bot.Factory.Server.BaseAddress,
        };
        var forged = FakeMeta.Envelope(FakeMeta.MacapaId, FakeMeta.MacapaDisplay, [FakeMeta.Text("wamid.FORGED", "oi")]);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 65; i++)
        {
            statuses.Add((await FakeMeta.PostAsync(pool, forged, "sha256=" + new string('0', 64))).StatusCode);
        }

        var real = await FakeMeta.PostAsync(pool, FakeMeta.Envelope(FakeMeta.MacapaId, FakeMeta.MacapaDisplay, [FakeMeta.Text("wamid.REAL1", "Bom dia")]));

        Assert.Multiple(() =>
        {
            Assert.That(statuses.Take(60), Has.All.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(statuses.Skip(60), Has.All.EqualTo(HttpStatusCode.TooManyRequests), "past 60 refusals in a minute");
            Assert.That(real.StatusCode, Is.EqualTo(HttpStatusCode.OK), "a signed message from the same address is stored");
            Assert.That(bot.Factory.Logs.Lines.Count(l => l.Contains("Meta webhook rejected", StringComparison.Ordinal)), Is.EqualTo(60), "the flood is not logged line by line");
        });
    }

    [Test]
    public async Task BadInput_IsRefusedByStatus_AndNothingIsStored()
    {
        var (meta, bot) = await StartAsync();
        await using var _ = meta;
        await using var __ = bot;
        var json = FakeMeta.Envelope(FakeMeta.MacapaId, FakeMeta.MacapaDisplay, [FakeMeta.Text("wamid.BAD1", "oi")]);

        Assert.That((await FakeMeta.PostAsync(bot.Service, json, "sha256=" + new string('0', 64))).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await FakeMeta.PostAsync(bot.Service, json, "")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await FakeMeta.PostAsync(bot.Service, "{\"object\": \"whatsapp_business_account\", \"entry\": [")).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var unknown = FakeMeta.Envelope("999999999999", "5511999999999", [FakeMeta.Text("wamid.BAD2", "oi")]);
        Assert.That((await FakeMeta.PostAsync(bot.Service, unknown)).StatusCode, Is.EqualTo(HttpStatusCode.OK), "acknowledged, so Meta stops retrying");
        var huge = FakeMeta.Envelope(FakeMeta.MacapaId, FakeMeta.MacapaDisplay, [FakeMeta.Text("wamid.BAD3", new string('a', 3 * 1024 * 1024))]);
        Assert.That((await FakeMeta.PostAsync(bot.Service, huge)).StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        var large = FakeMeta.Envelope(FakeMeta.MacapaId, FakeMeta.MacapaDisplay, [FakeMeta.Text("wamid.OK1", "Segue o relato: " + new string('x', 2 * 1024 * 1024))]);
        Assert.That((await FakeMeta.PostAsync(bot.Service, large)).StatusCode, Is.EqualTo(HttpStatusCode.OK), "up to 3 MB is accepted");

        var conversation = await bot.ConversationAsync(to: Macapa);
        var messages = await bot.Conversations.GetMessagesAsync(conversation.Id);
        Assert.That(messages.Where(m => m.Direction == MessageDirection.Inbound).Select(m => m.ProviderId), Is.EqualTo(new[] { "wamid.OK1" }), "only the accepted one");
    }

    [Test]
    public async Task ForgeriesPastTheBudget_Are429WithoutALogLine_ButMetasSignedDeliveriesAreStored()
    {
        var (meta, bot) = await StartAsync(new() { ["RateLimits:RefusedWebhooksPerMinute"] = "5" });
        await using var _ = meta;
        await using var __ = bot;
        var forged = FakeMeta.Envelope(FakeMeta.MacapaId, FakeMeta.MacapaDisplay, [FakeMeta.Text("wamid.FORGED", "oi")]);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            statuses.Add((await FakeMeta.PostAsync(bot.Service, forged, "sha256=" + new string('0', 64))).StatusCode);
        }

        var signed = await FakeMeta.PostAsync(bot.Service, FakeMeta.Envelope(FakeMeta.MacapaId, FakeMeta.MacapaDisplay, [FakeMeta.Text("wamid.REAL", "Bom dia")]));

        Assert.Multiple(() =>
        {
            Assert.That(statuses, Is.EqualTo(Enumerable.Repeat(HttpStatusCode.Forbidden, 5).Concat(Enumerable.Repeat(HttpStatusCode.TooManyRequests, 3))));
            Assert.That(signed.StatusCode, Is.EqualTo(HttpStatusCode.OK), "Meta's delivery from the same address is stored");
            Assert.That(bot.Factory.Logs.Lines.Count(l => l.Contains("Meta webhook rejected", StringComparison.Ordinal)), Is.EqualTo(5));
        });
    }

    [Test]
    public async Task Citizen_ThroughMeta_MeetsTheSameChatbot_MenusAndAnswersGoThroughTheGraphApi_DuplicatesAndDisorderChangeNothing()
    {
        var (meta, bot) = await StartAsync();
        await using var _ = meta;
        await using var __ = bot;

        var first = FakeMeta.Envelope(FakeMeta.CentralId, FakeMeta.CentralDisplay, [FakeMeta.Text("wamid.IN1", "Olá, bom dia")]);
        Assert.That((await FakeMeta.PostAsync(bot.Service, first)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await FakeMeta.PostAsync(bot.Service, first)).StatusCode, Is.EqualTo(HttpStatusCode.OK), "Meta delivers at least once");
        await bot.WaitProcessedAsync("wamid.IN1", to: "whatsapp:+" + FakeMeta.CentralDisplay);

        var menu = meta.Requests.ToList();
        Assert.That(menu, Is.Not.Empty);
        Assert.That(menu.Select(r => (r.PhoneNumberId, r.To)), Is.All.EqualTo((FakeMeta.CentralId, FakeMeta.Citizen)), "from the number she wrote to");
        Assert.That(menu[0].Type, Is.EqualTo("interactive"), "the chatbot's menu as Meta's interactive list");
        Assert.That(FakeMeta.OptionIds(menu[0]), Is.EqualTo(new[] { "1", "2", "3", "4" }));
        Assert.That(menu[0].Json, Does.Contain("Balcão Virtual").Or.Contain("Balc\\u00E3o Virtual"));
        Assert.That(bot.Twilio.Requests, Is.Empty, "nothing through Twilio");
        var conversation = await bot.ConversationAsync(to: "whatsapp:+" + FakeMeta.CentralDisplay);
        Assert.That((await bot.Conversations.GetMessagesAsync(conversation.Id)).Count(m => m.Direction == MessageDirection.Inbound), Is.EqualTo(1), "stored once");

        // She picks "Horários e contatos" from the list: the chatbot reads the option's number.
        var pick = FakeMeta.Envelope(FakeMeta.CentralId, FakeMeta.CentralDisplay, [FakeMeta.ListReply("wamid.IN2", "4", "Horários e contatos")]);
        Assert.That((await FakeMeta.PostAsync(bot.Service, pick)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await bot.WaitProcessedAsync("wamid.IN2", to: "whatsapp:+" + FakeMeta.CentralDisplay);
        var session = (await bot.ConversationAsync(to: "whatsapp:+" + FakeMeta.CentralDisplay)).Bot;
        Assert.That(session?.Goal, Is.EqualTo(BalcaoVirtual.Web.Features.Chatbot.BotGoal.Hours), "option 4, as if typed");
        Assert.That(meta.Requests.Count, Is.GreaterThan(menu.Count), "the chatbot answered the choice");

        // Statuses out of order and twice: read, then delivered, then read again; the answer ends read.
        var wamid = menu[0].Wamid;
        foreach (var status in new[] { "read", "delivered", "sent", "read" })
        {
            var json = FakeMeta.Envelope(FakeMeta.CentralId, FakeMeta.CentralDisplay, statuses: [FakeMeta.Status(wamid, status)]);
            Assert.That((await FakeMeta.PostAsync(bot.Service, json)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        var answer = (await bot.Conversations.GetMessagesAsync(conversation.Id)).Single(m => m.ProviderId == wamid);
        Assert.That(answer.Status, Is.EqualTo("read"));
    }

    [Test]
    public async Task FakeLawyer_ThroughMeta_APaymentDemandIsWarnedAtOnce_AndACheckedNumberIsNamed()
    {
        var (meta, bot) = await StartAsync();
        await using var _ = meta;
        await using var __ = bot;
        var central = "whatsapp:+" + FakeMeta.CentralDisplay;

        var demand = FakeMeta.Envelope(FakeMeta.CentralId, FakeMeta.CentralDisplay,
            [FakeMeta.Text("wamid.SCAM1", "Dr. Carlos: seu alvará saiu. Para liberar faça um pix da taxa de R$ 380 para 91988887777")]);
        Assert.That((await FakeMeta.PostAsync(bot.Service, demand)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await bot.WaitProcessedAsync("wamid.SCAM1", to: central);
        Assert.That(meta.Requests.Select(r => r.Text), Has.Some.Contains(Chatbot.ChatbotTranscriptTests.PaymentWarning), "the rule, through the Graph API");
        Assert.That((await bot.ConversationAsync(to: central)).PaymentWarningAt, Is.Not.Null, "flagged for the unit");

        var asked = meta.Requests.Count;
        var check = FakeMeta.Envelope(FakeMeta.CentralId, FakeMeta.CentralDisplay, [FakeMeta.Text("wamid.SCAM2", "esse número é oficial? +55 91 98888-7777")]);
        Assert.That((await FakeMeta.PostAsync(bot.Service, check)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await bot.WaitProcessedAsync("wamid.SCAM2", to: central);
        Assert.That(meta.Requests.Skip(asked).Select(r => r.Text), Has.Some.StartsWith("⚠️ +55 91 98888-7777 NÃO é um canal oficial"));
        Assert.That(bot.Twilio.Requests, Is.Empty, "nothing through Twilio");
    }

    [Test]
    public async Task WaitingTime_ThroughMeta_TheHandOffSaysThePlace_AndANudgeGetsTheDeadlineAndThePlace()
    {
        var (meta, bot) = await StartAsync();
        await using var _ = meta;
        await using var __ = bot;
        var central = "whatsapp:+" + FakeMeta.CentralDisplay;
        var n = 0;

        async Task<IReadOnlyList<string?>> SayAsync(string text)
        {
            var asked = meta.Requests.Count;
            var id = $"wamid.WAIT{++n}";
            Assert.That((await FakeMeta.PostAsync(bot.Service, FakeMeta.Envelope(FakeMeta.CentralId, FakeMeta.CentralDisplay, [FakeMeta.Text(id, text)]))).StatusCode,
                Is.EqualTo(HttpStatusCode.OK));
            await bot.WaitProcessedAsync(id, to: central);
            return [.. meta.Requests.Skip(asked).Select(r => r.Text)];
        }

        await SayAsync("quero falar com um atendente");
        await SayAsync("Macapá");
        Assert.That(await SayAsync("Minha audiência foi remarcada?"), Has.Some.EndsWith("Sua conversa é a primeira da fila da 7ª Vara do Trabalho de Macapá."));
        Assert.That(await SayAsync("quando vão responder?"), Is.EqualTo(new[]
        {
            "Sua mensagem está com a 7ª Vara do Trabalho de Macapá. A resposta chega por aqui até quarta-feira, 25/11, às 9h.\n\n" +
            "Sua conversa é a primeira da fila da 7ª Vara do Trabalho de Macapá.",
        }));
        Assert.That((await bot.ConversationAsync(to: central)).State, Is.EqualTo(ConversationState.Waiting));
    }

    [Test]
    public async Task Survey_ThroughMeta_GoesAsAListOfTheFiveRatings_AndTheChosenRowIsTheRating()
    {
        var (meta, bot) = await StartAsync();
        await using var _ = meta;
        await using var __ = bot;
        var n = 0;

        async Task PostAsync(JsonObject message, string id)
        {
            Assert.That((await FakeMeta.PostAsync(bot.Service, FakeMeta.Envelope(FakeMeta.MacapaId, FakeMeta.MacapaDisplay, [message]))).StatusCode, Is.EqualTo(HttpStatusCode.OK));
            await bot.WaitProcessedAsync(id, to: Macapa);
        }

        await PostAsync(FakeMeta.Text("wamid.SURVEY0", "Minha audiência foi remarcada?"), "wamid.SURVEY0");
        var conversation = await bot.ConversationAsync(to: Macapa);
        using var clerk = await bot.Factory.ClientForNewUserAsync("clerk.meta.pesquisa@trt8.jus.br", clerkOf: ["trt8-vt-macapa-7"]);
        Assert.That((int)(await clerk.PostAsJsonAsync($"/api/conversations/{conversation.Id}/messages", new { text = "Sim, para 10/12." })).StatusCode, Is.EqualTo(202));
        var asked = meta.Requests.Count;
        Assert.That((await clerk.PostAsync($"/api/conversations/{conversation.Id}/close", null)).IsSuccessStatusCode);
        await TestServers.WaitUntilAsync(() => Task.FromResult(meta.Requests.Skip(asked).Any(r => r.Type == "interactive")), TimeSpan.FromSeconds(20), "the survey");

        var survey = meta.Requests.Skip(asked).Single(r => r.Type == "interactive");
        Assert.That(FakeMeta.OptionIds(survey), Is.EqualTo(new[] { "1", "2", "3", "4", "5" }), "a list: Meta's reply buttons stop at three");
        Assert.That(survey.Json, Does.Contain("Muito ruim"));
        await PostAsync(FakeMeta.ListReply($"wamid.SURVEY{++n}", "5", "Ótimo"), $"wamid.SURVEY{n}");
        var rated = (await bot.ConversationAsync(to: Macapa)).Surveys.Single();
        Assert.That((rated.Score, rated.Comment), Is.EqualTo(((int?)5, (string?)null)));
        Assert.That(meta.Requests.Last().Text, Does.StartWith("Obrigado pela avaliação!"));
    }

    [Test]
    public async Task CaseAlert_ThroughMeta_FollowingFromTheStatus_AndTheNewMovementComesAsText()
    {
        var (meta, bot) = await StartAsync(new() { ["CaseAlerts:Cron"] = CaseAlertTests.NeverInATest });
        await using var _ = meta;
        await using var __ = bot;
        var central = "whatsapp:+" + FakeMeta.CentralDisplay;
        var number = ChatbotTranscriptTests.Macapa;
        bot.DataJud.AddHit("api_publica_trt8", number.Digits, ChatbotTranscriptTests.Hit);
        var n = 0;

        async Task<IReadOnlyList<string?>> SayAsync(string text)
        {
            var asked = meta.Requests.Count;
            var id = $"wamid.ALERT{++n}";
            Assert.That((await FakeMeta.PostAsync(bot.Service, FakeMeta.Envelope(FakeMeta.CentralId, FakeMeta.CentralDisplay, [FakeMeta.Text(id, text)]))).StatusCode,
                Is.EqualTo(HttpStatusCode.OK));
            await bot.WaitProcessedAsync(id, to: central);
            return [.. meta.Requests.Skip(asked).Select(r => r.Text)];
        }

        Assert.That(await SayAsync(number.Canonical), Has.Some.Contains(ChatbotTranscriptTests.FollowOffer));
        Assert.That(await SayAsync("avisar"), Has.Some.StartsWith($"Pronto! Vou avisar por aqui quando o processo {number.Canonical}"));

        bot.DataJud.SetHit("api_publica_trt8", number.Digits, ChatbotTranscriptTests.Hit.Replace("\"movimentos\":[",
            "\"movimentos\":[{\"codigo\":123,\"nome\":\"Sentença publicada\",\"dataHora\":\"2026-11-23T18:00:00Z\"},", StringComparison.Ordinal));
        var follows = bot.Factory.Services.GetRequiredService<Web.Features.CaseAlerts.CaseFollows>();
        bot.Factory.Time.SetUtcNow(follows.NextCheck(number.Digits, bot.Factory.Time.GetUtcNow()));
        var asked = meta.Requests.Count;
        var run = await bot.Factory.Services.GetRequiredService<Web.Features.CaseAlerts.CaseAlertJob>().RunAsync();
        Assert.That(run.Alerts, Is.EqualTo(1));
        await TestServers.WaitUntilAsync(() => Task.FromResult(meta.Requests.Count > asked), TimeSpan.FromSeconds(20), "the alert through the Graph API");
        var alert = meta.Requests.Skip(asked).Single();
        Assert.That((alert.Type, alert.Text), Is.EqualTo(("text",
            (string?)$"Movimentação nova no processo {number.Canonical} em 23/11: Sentença publicada. Para parar os avisos, escreva parar.")));
    }

    [Test]
    public async Task LateAnswer_GoesAsTheMetaTemplate_FollowsWhenTheCitizenWrites_A131047IsRecovered_And130429IsRetried()
    {
        var (meta, bot) = await StartAsync(new()
        {
            ["WhatsApp:AnswerWaiting:MetaName"] = "balcao_resposta_disponivel",
            ["WhatsApp:AnswerWaiting:MetaParameters:0"] = "unit",
        });
        await using var _ = meta;
        await using var __ = bot;
        await FakeMeta.PostAsync(bot.Service, FakeMeta.Envelope(FakeMeta.MacapaId, FakeMeta.MacapaDisplay, [FakeMeta.Text("wamid.Q1", "Minha audiência foi remarcada? Preciso falar com a vara.")]));
        await bot.WaitProcessedAsync("wamid.Q1", to: Macapa);
        var conversation = await bot.ConversationAsync(to: Macapa);
        Assert.That(conversation.State, Is.EqualTo(ConversationState.Waiting));
        var before = meta.Requests.Count;

        bot.Factory.Time.Advance(TimeSpan.FromHours(26));
        using var clerk = await bot.Factory.ClientForNewUserAsync("servidora.meta@trt8.jus.br", clerkOf: ["trt8-vt-macapa-7"]);
        await clerk.PostAsJsonAsync($"/api/conversations/{conversation.Id}/messages", new { text = "A audiência foi mantida." });
        await WaitSentAsync(bot);
        var template = meta.Requests.Skip(before).Single();
        Assert.Multiple(() =>
        {
            Assert.That(template.Type, Is.EqualTo("template"));
            Assert.That(template.TemplateName, Is.EqualTo("balcao_resposta_disponivel"));
            Assert.That(template.TemplateLanguage, Is.EqualTo("pt_BR"));
            Assert.That(template.TemplateParameters, Is.EqualTo(new[] { "7ª Vara do Trabalho de Macapá" }));
            Assert.That(template.PhoneNumberId, Is.EqualTo(FakeMeta.MacapaId));
        });

        // She writes: the held answer goes as text. Meta throttles it once (130429): retried after the backoff.
        meta.Respond((400, 130429));
        await FakeMeta.PostAsync(bot.Service, FakeMeta.Envelope(FakeMeta.MacapaId, FakeMeta.MacapaDisplay, [FakeMeta.Text("wamid.Q2", "Pode mandar")]));
        await TestServers.WaitUntilAsync(() => Task.FromResult(meta.Requests.Count(r => r.Text == "A audiência foi mantida.") == 1), TimeSpan.FromSeconds(20), "the first, throttled attempt");
        // The clock moves only once the retry is scheduled: moved before, the retry would be due a minute after the move.
        await TestServers.WaitUntilAsync(() => Task.FromResult(bot.Factory.Logs.Lines.Any(l => l.Contains("attempt 1 failed (HTTP 400, code 130429)", StringComparison.Ordinal))),
            TimeSpan.FromSeconds(20), "the retry to be scheduled");
        bot.Factory.Time.Advance(TimeSpan.FromMinutes(1));
        await TestServers.WaitUntilAsync(() => Task.FromResult(meta.Requests.Count(r => r.Text == "A audiência foi mantida.") == 2), TimeSpan.FromSeconds(20), "the retry");
        await WaitSentAsync(bot);
        var delivered = (await bot.Conversations.GetMessagesAsync(conversation.Id)).Single(m => m.Text == "A audiência foi mantida.");
        Assert.That(delivered.Status, Is.EqualTo("accepted"));

        // A later answer refused by a status 131047: held and the template goes again, never a silent failure.
        await clerk.PostAsJsonAsync($"/api/conversations/{conversation.Id}/messages", new { text = "Algo mais?" });
        await WaitSentAsync(bot);
        var refused = meta.Requests.Last(r => r.Text == "Algo mais?");
        var count = meta.Requests.Count;
        await FakeMeta.PostAsync(bot.Service, FakeMeta.Envelope(FakeMeta.MacapaId, FakeMeta.MacapaDisplay, statuses: [FakeMeta.Status(refused.Wamid, "failed", 131047)]));
        await WaitSentAsync(bot);
        Assert.That((await bot.Conversations.GetMessagesAsync(conversation.Id)).Single(m => m.Text == "Algo mais?").Status, Is.EqualTo(WhatsAppWindowGuard.Held));
        Assert.That(meta.Requests.Skip(count).Select(r => r.Type), Is.EqualTo(new[] { "template" }));
    }

    [Test]
    public async Task Media_GoesByLink_AsADocumentWithCaptionAndName_OnMeta_AndAsMediaUrlOnTwilio()
    {
        var (meta, bot) = await StartAsync();
        await using var _ = meta;
        await using var __ = bot;
        var transport = bot.Factory.Services.GetRequiredKeyedService<IOutboundTransport>(Channel.WhatsApp);
        var message = new Message
        {
            Id = "m1", Direction = MessageDirection.Outbound, Channel = Channel.WhatsApp, Author = MessageAuthor.Clerk,
            Text = "Segue a certidão.", MediaUrls = ["https://balcao.trt8.jus.br/arquivos/certid%C3%A3o.pdf"], MediaTypes = ["application/pdf"],
        };
        var conversation = new Conversation
        {
            Id = "c1", Channel = Channel.WhatsApp, ContactAddress = BotHarness.Citizen, ChannelAddress = Macapa, ChannelAccount = "meta:" + FakeMeta.MacapaId,
        };

        Assert.That(await transport.SendAsync(conversation, message, CancellationToken.None), Is.InstanceOf<SendOutcome.Sent>());
        var document = JsonNode.Parse(meta.Requests.Single().Json)!;
        Assert.Multiple(() =>
        {
            Assert.That((string?)document["type"], Is.EqualTo("document"));
            Assert.That((string?)document["document"]!["link"], Is.EqualTo("https://balcao.trt8.jus.br/arquivos/certid%C3%A3o.pdf"));
            Assert.That((string?)document["document"]!["caption"], Is.EqualTo("Segue a certidão."));
            Assert.That((string?)document["document"]!["filename"], Is.EqualTo("certidão.pdf"));
        });

        var twilio = conversation with { ChannelAccount = null, ChannelAddress = BotHarness.MacapaNumber };
        Assert.That(await transport.SendAsync(twilio, message, CancellationToken.None), Is.InstanceOf<SendOutcome.Sent>());
        Assert.That(bot.Twilio.Requests.Single().MediaUrls, Is.EqualTo(message.MediaUrls));
    }

    private static async Task WaitSentAsync(BotHarness bot)
    {
        var outbox = bot.Factory.Services.GetRequiredService<Outbox>();
        await TestServers.WaitUntilAsync(async () => await outbox.PendingAsync() == 0, TimeSpan.FromSeconds(20), "the outbox to empty");
    }
}
