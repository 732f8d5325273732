using System.Net.Http.Json;
using System.Text.Json;
using BalcaoVirtual.IntegrationTests.Chatbot;
using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Web.Features.Conversations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace BalcaoVirtual.IntegrationTests.Browser;

/// <summary>The clerk's workspace in Chromium: the queue and the open conversation on one page, and being told what arrives.</summary>
public sealed class WorkspacePageTests
{
    private const string Macapa = "trt8-vt-macapa-7";
    private const string Bia = "whatsapp:+5596991112222";

    private static string Row(string id) => $"#conversations li[data-id='{id}']";

    [Test]
    public async Task ListAndConversation_SideBySide_RowsSayWhoAndWhat_TheUrlFollows_AndOpeningReadsIt()
    {
        await using var bot = await BotHarness.StartAsync(kestrel: true);
        using var ana = await bot.Factory.ClientForNewUserAsync("ana.ws@trt8.jus.br", clerkOf: [Macapa], name: "Ana Souza");
        (await bot.Factory.ClientForNewUserAsync("caio.ws@trt8.jus.br", clerkOf: [Macapa], name: "Caio Lima")).Dispose();
        await bot.SayAsync("Minha audiência foi remarcada?", to: BotHarness.MacapaNumber);
        var maria = await bot.ConversationAsync(to: BotHarness.MacapaNumber);
        await bot.SayAsync($"Oi, boa tarde", from: Bia, to: BotHarness.Central);
        await bot.SayAsync("2", from: Bia);
        await bot.SayAsync("Macapá", from: Bia);
        await bot.SayAsync($"O alvará do processo {ChatbotTranscriptTests.Macapa.Canonical} já saiu?\nObrigada", from: Bia);
        var bia = await bot.ConversationAsync(from: Bia);
        Assert.That(bia.State, Is.EqualTo(Web.Features.Conversations.ConversationState.Waiting), "handed to Macapá");
        Assert.That((await ana.PostAsync($"/api/conversations/{maria.Id}/claim", null)).IsSuccessStatusCode, Is.True);

        await using var browser = await SystemChromium.SessionAsync();
        var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 }, Locale = "pt-BR" });
        var page = await context.NewPageAsync();
        await InboxPageTests.SignInAsync(page, bot.BaseUrl, "caio.ws@trt8.jus.br");

        // Rows: the name the citizen gave with the masked phone, the first line of what was asked, the channel, the
        // countdown, who holds it (by name), the case numbers and what Caio has not read.
        var biaRow = page.Locator(Row(bia.Id));
        await Assertions.Expect(biaRow).ToContainTextAsync("O alvará do processo", new() { Timeout = 20_000 });
        var biaText = await biaRow.InnerTextAsync();
        Assert.Multiple(async () =>
        {
            Assert.That(biaText, Does.Contain("Maria").And.Contain("(96) *****-2222").And.Contain("WhatsApp").And.Contain("faltam")
                .And.Contain("sem responsável").And.Contain(ChatbotTranscriptTests.Macapa.Canonical).And.Not.Contain("Obrigada"), "first line only");
            Assert.That(await biaRow.Locator(".unread-count").GetAttributeAsync("aria-label"), Is.EqualTo("4 mensagens não lidas"));
            Assert.That(await page.Locator(Row(maria.Id)).InnerTextAsync(), Does.Contain("Minha audiência foi remarcada?").And.Contain("com Ana Souza"));
            Assert.That(await page.TitleAsync(), Is.EqualTo("(2) Balcão Virtual"));
            Assert.That(await page.InnerTextAsync("#tab-all .count"), Is.EqualTo("2"));
            Assert.That(await page.InnerTextAsync("#tab-unassigned .count"), Is.EqualTo("1"), "Ana holds Maria's");
            Assert.That(await page.InnerTextAsync("#tab-mine .count"), Is.EqualTo("0"));
        });
        await page.ScreenshotAsync(new() { Path = SystemChromium.ScreenshotPath("workspace-list-1280.png") });

        // Search by what was written, counted in Portuguese; nothing found clears the list; emptied, the queue is back.
        await page.FillAsync("#f-q", "alvara");
        await Assertions.Expect(page.Locator("#conversations li")).ToHaveCountAsync(1);
        await Assertions.Expect(biaRow).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".pager .total")).ToHaveTextAsync("1 conversa");
        await page.FillAsync("#f-q", "penhora");
        await Assertions.Expect(page.Locator("#conversations li")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator(".list-pane .status")).ToHaveTextAsync("Nada encontrado.");
        await Assertions.Expect(page.Locator(".pager .total")).ToHaveTextAsync("0 conversas");
        await page.FillAsync("#f-q", "");
        await Assertions.Expect(page.Locator("#conversations li")).ToHaveCountAsync(2);

        // Opening it: beside the list, the URL follows, and it is read.
        await biaRow.Locator("a").ClickAsync();
        await page.ArrivedAsync($"/inbox/conversations/{bia.Id}");
        await Assertions.Expect(page.Locator("#conversation-title")).ToContainTextAsync("Maria");
        await Assertions.Expect(biaRow.Locator(".unread-count")).ToHaveCountAsync(0);
        await Assertions.Expect(page).ToHaveTitleAsync("(1) Balcão Virtual");
        var list = (await page.Locator(".list-pane").BoundingBoxAsync())!;
        var pane = (await page.Locator(".conversation-pane").BoundingBoxAsync())!;
        var composer = (await page.Locator(".composer").BoundingBoxAsync())!;
        Assert.Multiple(() =>
        {
            Assert.That(list.X + list.Width, Is.LessThanOrEqualTo(pane.X + 1), "two panes side by side");
            Assert.That(composer.Y + composer.Height, Is.EqualTo(800).Within(2), "the reply box at the bottom of the pane");
        });

        // The chatbot's part is one line that opens on click; the question it handed off stays in view.
        var fold = page.Locator("details.bot-fold").First;
        await Assertions.Expect(fold.Locator("summary")).ToHaveTextAsync("Assistente: menu, perguntou a unidade, pediu a pergunta");
        await Assertions.Expect(page.Locator(".thread > li.inbound", new() { HasText = "O alvará do processo" })).ToBeVisibleAsync();
        Assert.That(await fold.Locator("li").First.IsVisibleAsync(), Is.False);
        await fold.Locator("summary").ClickAsync();
        await Assertions.Expect(fold.Locator("li", new() { HasText = "Oi, boa tarde" })).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = SystemChromium.ScreenshotPath("workspace-conversation-1280.png") });

        // The contact panel: the channel and its window, the case number with DataJud's word on demand.
        bot.DataJud.AddHit("api_publica_trt8", ChatbotTranscriptTests.Macapa.Digits, ChatbotTranscriptTests.Hit);
        await page.ClickAsync("#contact summary");
        await Assertions.Expect(page.Locator("#contact-channel")).ToContainTextAsync("WhatsApp · janela do WhatsApp aberta até");
        await Assertions.Expect(page.Locator("#contact")).ToContainTextAsync("Nenhuma outra conversa deste contato nas suas unidades.");
        await page.ClickAsync("#contact .cases button");
        await Assertions.Expect(page.Locator("#contact .case-summary")).ToContainTextAsync("Última movimentação em 20/11/2026: Conclusos para sentença");
        await page.ScreenshotAsync(new() { Path = SystemChromium.ScreenshotPath("workspace-contact-1280.png") });
        await page.ClickAsync("#contact summary");

        // Authors by name; delivery ticks. Answered, Maria's leaves the queue: Caio follows a link to it.
        Assert.That((await ana.PostAsJsonAsync($"/api/conversations/{maria.Id}/messages", new { text = "Está mantida, Maria." })).IsSuccessStatusCode, Is.True);
        await Assertions.Expect(page.Locator(Row(maria.Id))).ToHaveCountAsync(0, new() { Timeout = 20_000 });
        await page.GotoAsync($"{bot.BaseUrl}/inbox/conversations/{maria.Id}");
        var answer = page.Locator(".thread li.outbound", new() { HasText = "Está mantida, Maria." });
        await Assertions.Expect(answer.Locator(".author")).ToHaveTextAsync("Ana Souza (equipe)");
        var sent = bot.Twilio.Requests.Single(r => r.Body == "Está mantida, Maria.");
        await FakeTwilio.SendStatusAsync(bot.Service, sent, "read");
        await Assertions.Expect(answer.Locator(".tick.read")).ToHaveTextAsync("✓✓ ", new() { Timeout = 20_000 });
        await page.FillAsync("#reply", "Mais alguma dúvida?");
        await page.ClickAsync("form.reply button[type=submit]");
        await Assertions.Expect(page.Locator(".thread li.outbound", new() { HasText = "Mais alguma dúvida?" }).Locator(".author")).ToHaveTextAsync("Você");

        // Back in the browser's history: the conversation opened before.
        await page.GoBackAsync();
        await page.ArrivedAsync($"/inbox/conversations/{bia.Id}");
        await Assertions.Expect(page.Locator(".thread > li.inbound", new() { HasText = "O alvará do processo" })).ToBeVisibleAsync();

        // At phone width: one pane, with a way back to the list.
        var phone = await (await browser.NewContextAsync(new()
        {
            ViewportSize = new() { Width = 360, Height = 740 }, Locale = "pt-BR", StorageState = await context.StorageStateAsync(),
        })).NewPageAsync();
        await phone.GotoAsync(bot.BaseUrl + "/inbox");
        await phone.Locator(Row(bia.Id)).Locator("a").ClickAsync();
        await Assertions.Expect(phone.Locator("#back")).ToBeVisibleAsync();
        Assert.That(await phone.Locator(".list-pane").IsVisibleAsync(), Is.False);
        Assert.That((await phone.Locator("header").BoundingBoxAsync())!.Height, Is.LessThan(64), "the header keeps to one line (it scrolls sideways)");
        var small = (await phone.Locator(".composer").BoundingBoxAsync())!;
        Assert.That(small.Y + small.Height, Is.LessThanOrEqualTo(740 + 1), "the reply box on screen");
        await phone.ScreenshotAsync(new() { Path = SystemChromium.ScreenshotPath("workspace-conversation-360.png") });
        await phone.ClickAsync("#back");
        await Assertions.Expect(phone.Locator(".list-pane")).ToBeVisibleAsync();
        Assert.That(new Uri(phone.Url).AbsolutePath, Is.EqualTo("/inbox"));
        await phone.ScreenshotAsync(new() { Path = SystemChromium.ScreenshotPath("workspace-list-360.png") });
    }

    /// <summary>
    /// Notifications are asked for on a click, never on load; new conversations and new messages are told while the
    /// clerk looks elsewhere; the title counts; a dropped live connection is said, and so is its return.
    /// </summary>
    [Test]
    public async Task TheClerkIsTold_TitleNotificationsAndALostConnection()
    {
        await using var bot = await BotHarness.StartAsync(kestrel: true);
        (await bot.Factory.ClientForNewUserAsync("dora.ws@trt8.jus.br", clerkOf: [Macapa], name: "Dora")).Dispose();
        await using var browser = await SystemChromium.SessionAsync();
        var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 }, Permissions = ["notifications"] });
        // The page is in the background (hidden), notifications are recorded, and the live channel's sockets are kept
        // so the test can cut them.
        await context.AddInitScriptAsync("""
            window.__asked = 0; window.__told = []; window.__sockets = [];
            Object.defineProperty(document, 'visibilityState', { get: () => 'hidden' });
            const Real = window.Notification;
            window.Notification = function (title, options) { window.__told.push({ title, body: options.body }); };
            window.Notification.permission = 'granted';
            window.Notification.requestPermission = async () => { window.__asked++; return 'granted'; };
            const RealSocket = window.WebSocket;
            window.WebSocket = function (...args) { const s = new RealSocket(...args); window.__sockets.push(s); return s; };
            window.WebSocket.prototype = RealSocket.prototype;
            Object.assign(window.WebSocket, { OPEN: 1, CLOSED: 3, CONNECTING: 0, CLOSING: 2 });
            """);
        var page = await context.NewPageAsync();
        await InboxPageTests.SignInAsync(page, bot.BaseUrl, "dora.ws@trt8.jus.br");
        await page.WaitForSelectorAsync("#conversations", new() { State = WaitForSelectorState.Attached });
        Assert.That(await page.EvaluateAsync<int>("window.__asked"), Is.Zero, "never asked on load");
        await page.ClickAsync("#alerts-notify");
        await Assertions.Expect(page.Locator("#alerts-notify")).ToHaveAttributeAsync("aria-pressed", "true");
        Assert.That(await page.EvaluateAsync<int>("window.__asked"), Is.EqualTo(1), "asked on the click");
        await page.WaitForFunctionAsync("() => window.__sockets.some(s => s.readyState === 1)");

        await bot.SayAsync("Minha audiência foi remarcada?", to: BotHarness.MacapaNumber);
        await page.WaitForFunctionAsync("() => window.__told.length >= 1", null, new() { Timeout = 20_000 });
        await Assertions.Expect(page).ToHaveTitleAsync("(1) Balcão Virtual");
        await bot.SayAsync("É a de dezembro.", to: BotHarness.MacapaNumber);
        await page.WaitForFunctionAsync("() => window.__told.length >= 2", null, new() { Timeout = 20_000 });
        var told = await page.EvaluateAsync<JsonElement>("window.__told");
        Assert.That(told.EnumerateArray().Select(t => t.GetProperty("title").GetString()),
            Is.EqualTo(new[] { "Nova conversa no Balcão Virtual", "Nova mensagem no Balcão Virtual" }));
        Assert.That(told[0].GetProperty("body").GetString(), Is.EqualTo("Maria"), "who, never what they wrote");

        // The connection drops: the clerk is told, and told again when it is back.
        await page.EvaluateAsync("() => window.__sockets.forEach(s => s.close())");
        await Assertions.Expect(page.Locator("#live-note")).ToContainTextAsync("Sem conexão ao vivo", new() { Timeout = 20_000 });
        await Assertions.Expect(page.Locator("#live-note")).ToContainTextAsync("Conectado de novo", new() { Timeout = 30_000 });
        await bot.SayAsync("Obrigada!", to: BotHarness.MacapaNumber);
        await page.WaitForFunctionAsync("() => window.__told.length >= 3", null, new() { Timeout = 20_000 });
    }

    /// <summary>
    /// Two clerks on one conversation: each sees the other viewing and typing; taking the conversation the other holds
    /// asks first; an answer the other sent while one typed is told before sending; the shortcuts work without a mouse.
    /// </summary>
    [Test]
    public async Task TwoClerks_SeeEachOther_ClaimingAsksFirst_AndAnAnswerWhileTypingIsTold()
    {
        await using var bot = await BotHarness.StartAsync(kestrel: true);
        (await bot.Factory.ClientForNewUserAsync("eva.ws@trt8.jus.br", clerkOf: [Macapa], name: "Eva")).Dispose();
        (await bot.Factory.ClientForNewUserAsync("lia.ws@trt8.jus.br", clerkOf: [Macapa], name: "Lia")).Dispose();
        using var outsider = await bot.Factory.ClientForNewUserAsync("rui.ws@trt8.jus.br", clerkOf: ["trt8-vt-belem-1"]);
        await bot.SayAsync("Minha audiência foi remarcada?", to: BotHarness.MacapaNumber);
        var maria = await bot.ConversationAsync(to: BotHarness.MacapaNumber);
        await using var browser = await SystemChromium.SessionAsync();
        var eva = await (await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 } })).NewPageAsync();
        var lia = await (await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 } })).NewPageAsync();
        await InboxPageTests.SignInAsync(eva, bot.BaseUrl, "eva.ws@trt8.jus.br");
        await InboxPageTests.SignInAsync(lia, bot.BaseUrl, "lia.ws@trt8.jus.br");

        // Eva walks to it with the keyboard and takes it.
        await eva.Locator(Row(maria.Id)).WaitForAsync();
        await eva.Keyboard.PressAsync("j");
        await eva.ArrivedAsync($"/inbox/conversations/{maria.Id}");
        await eva.Locator("#claim").WaitForAsync();
        await eva.Keyboard.PressAsync("a");
        await Assertions.Expect(eva.Locator(".pane-head .assignee")).ToHaveTextAsync("com você");
        await eva.Keyboard.PressAsync("?");
        await Assertions.Expect(eva.Locator("dialog#shortcuts")).ToContainTextAsync("assumir a conversa");
        await eva.Keyboard.PressAsync("Escape");

        // Lia opens it: each sees the other; Lia sees Eva typing.
        await lia.GotoAsync($"{bot.BaseUrl}/inbox/conversations/{maria.Id}");
        await Assertions.Expect(lia.Locator("#presence")).ToHaveTextAsync("Eva está com esta conversa aberta.", new() { Timeout = 20_000 });
        await Assertions.Expect(eva.Locator("#presence")).ToHaveTextAsync("Lia está com esta conversa aberta.", new() { Timeout = 20_000 });
        await eva.Keyboard.PressAsync("r");
        await eva.Keyboard.TypeAsync("Bom dia, Maria");
        await Assertions.Expect(lia.Locator("#presence")).ToHaveTextAsync("Eva está escrevendo uma resposta…", new() { Timeout = 20_000 });

        // Lia would take it from Eva: asked first, with Eva's name.
        await lia.ClickAsync("#claim");
        await Assertions.Expect(lia.Locator("#pane-status")).ToHaveTextAsync("Eva está com esta conversa. Assumir mesmo assim?");
        Assert.That((await bot.Conversations.GetAsync(maria.Id))!.AssigneeId, Is.Not.Null.And.Not.EqualTo(await UserIdAsync(bot, "lia.ws@trt8.jus.br")));

        // Lia answers while Eva is still typing: Eva is told before she sends; what she typed stays.
        await lia.FillAsync("#reply", "A audiência está mantida.");
        await lia.Keyboard.PressAsync("Control+Enter");
        await Assertions.Expect(eva.Locator("#others-answered")).ToHaveTextAsync("Lia respondeu enquanto você escrevia. Leia acima antes de enviar.", new() { Timeout = 20_000 });
        Assert.That(await eva.InputValueAsync("#reply"), Is.EqualTo("Bom dia, Maria"), "what she typed is kept");
        await eva.ClickAsync("form.reply button[type=submit]");
        await TestServers.WaitUntilAsync(() => Task.FromResult(bot.Twilio.Requests.Any(r => r.Body == "Bom dia, Maria")), TimeSpan.FromSeconds(20), "Eva's answer");
        await eva.ScreenshotAsync(new() { Path = SystemChromium.ScreenshotPath("workspace-two-clerks-1280.png") });

        // Another unit's clerk learns nothing of who is there.
        Assert.That((await outsider.GetAsync($"/api/conversations/{maria.Id}/presence")).StatusCode, Is.EqualTo(System.Net.HttpStatusCode.Forbidden));
    }

    /// <summary>
    /// Labels: the manager names them on the answers-and-labels page (renamed in place); a clerk ticks them in the open
    /// conversation, they show on its row, and the list filters by them.
    /// </summary>
    [Test]
    public async Task Labels_NamedByTheManager_TickedInTheThread_ShownOnTheRow_AndFiltered()
    {
        await using var bot = await BotHarness.StartAsync(kestrel: true);
        (await bot.Factory.ClientForNewUserAsync("gestora.ws@trt8.jus.br", managerOf: [Macapa], name: "Gestora Lima")).Dispose();
        (await bot.Factory.ClientForNewUserAsync("ana.labels@trt8.jus.br", clerkOf: [Macapa], name: "Ana Souza")).Dispose();
        await bot.SayAsync("Quando sai o alvará?", to: BotHarness.MacapaNumber);
        var maria = await bot.ConversationAsync(to: BotHarness.MacapaNumber);
        await bot.SayAsync("Minha audiência foi remarcada?", from: Bia, to: BotHarness.MacapaNumber);
        var bia = await bot.ConversationAsync(from: Bia, to: BotHarness.MacapaNumber);

        await using var browser = await SystemChromium.SessionAsync();
        var manager = await (await browser.NewContextAsync(new() { Locale = "pt-BR" })).NewPageAsync();
        await InboxPageTests.SignInAsync(manager, bot.BaseUrl, "gestora.ws@trt8.jus.br");
        await manager.ClickAsync("header a[href='/admin/canned']");
        foreach (var name in new[] { "Alvara", "Audiência" })
        {
            await manager.FillAsync("#l-name", name);
            await manager.ClickAsync("#label-form button[type=submit]");
            await Assertions.Expect(manager.Locator("#label-list li", new() { HasText = name })).ToHaveCountAsync(1);
        }

        await manager.Locator("#label-list li", new() { HasText = "Alvara" }).Locator("button", new() { HasText = "Renomear" }).ClickAsync();
        await manager.Locator("#label-list form.edit input").FillAsync("Alvará");
        await manager.Locator("#label-list form.edit button[type=submit]").ClickAsync();
        await Assertions.Expect(manager.Locator("#label-list .label-chip")).ToHaveTextAsync(["Alvará", "Audiência"]);

        var page = await (await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 }, Locale = "pt-BR" })).NewPageAsync();
        await InboxPageTests.SignInAsync(page, bot.BaseUrl, "ana.labels@trt8.jus.br");
        await page.Locator(Row(maria.Id)).Locator("a").ClickAsync();
        await page.ClickAsync("details.label-control summary");
        await page.Locator(".label-picker label", new() { HasText = "Alvará" }).Locator("input").CheckAsync();
        await Assertions.Expect(page.Locator("#pane-status")).ToHaveTextAsync("Etiquetas salvas.");
        await Assertions.Expect(page.Locator(".pane-head .label-chip")).ToHaveTextAsync(["Alvará"]);
        await Assertions.Expect(page.Locator(Row(maria.Id)).Locator(".label-chip")).ToHaveTextAsync(["Alvará"]);
        Assert.That(await page.Locator("details.label-control").GetAttributeAsync("open"), Is.Not.Null, "the picker stays open for the next one");

        await page.SelectOptionAsync("#f-label", new SelectOptionValue { Label = "Alvará" });
        await Assertions.Expect(page.Locator("#conversations li")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator(Row(maria.Id))).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = SystemChromium.ScreenshotPath("workspace-labels-1280.png") });
        await page.SelectOptionAsync("#f-label", new SelectOptionValue { Label = "Audiência" });
        await Assertions.Expect(page.Locator("#conversations li")).ToHaveCountAsync(0);
        await page.SelectOptionAsync("#f-label", "");
        await Assertions.Expect(page.Locator(Row(bia.Id))).ToBeVisibleAsync();
    }

    /// <summary>A payment demand the citizen wrote of (the fake-lawyer scam) flags the row and says why in the thread, on a phone too.</summary>
    [Test]
    public async Task APaymentDemand_FlagsTheRow_AndTheThreadSaysWhy()
    {
        await using var bot = await BotHarness.StartAsync(kestrel: true);
        (await bot.Factory.ClientForNewUserAsync("ana.golpe@trt8.jus.br", clerkOf: [Macapa], name: "Ana Souza")).Dispose();
        await bot.SayAsync("Quando sai o alvará?", to: BotHarness.MacapaNumber);
        await bot.SayAsync("o advogado pediu um pix de 380 reais pra liberar", to: BotHarness.MacapaNumber);
        var maria = await bot.ConversationAsync(to: BotHarness.MacapaNumber);
        await bot.SayAsync("Minha audiência foi remarcada?", from: Bia, to: BotHarness.MacapaNumber);
        var bia = await bot.ConversationAsync(from: Bia, to: BotHarness.MacapaNumber);

        await using var browser = await SystemChromium.SessionAsync();
        foreach (var width in new[] { 1280, 360 })
        {
            var page = await (await browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = 800 }, Locale = "pt-BR" })).NewPageAsync();
            await InboxPageTests.SignInAsync(page, bot.BaseUrl, "ana.golpe@trt8.jus.br");
            await Assertions.Expect(page.Locator(Row(maria.Id)).Locator(".payment-chip")).ToHaveTextAsync("⚠ pedido de pagamento");
            await Assertions.Expect(page.Locator(Row(bia.Id)).Locator(".payment-chip")).ToHaveCountAsync(0);
            await page.Locator(Row(maria.Id)).Locator("a").ClickAsync();
            await Assertions.Expect(page.Locator(".pane-head .payment-hint")).ToContainTextAsync("golpe do falso advogado");
            await page.ScreenshotAsync(new() { Path = SystemChromium.ScreenshotPath($"workspace-payment-warning-{width}.png") });
        }
    }

    /// <summary>
    /// Honest waiting times, as the unit sees them: each waiting row says its place in the unit's queue (what the bot told
    /// the citizen) and the list says the unit's typical time to a first answer (what the bot's likely time comes from).
    /// </summary>
    [Test]
    public async Task TheQueue_ShowsEachPlace_AndTheUnitsTypicalFirstAnswer()
    {
        await using var bot = await BotHarness.StartAsync(kestrel: true);
        using var api = await bot.Factory.ClientForNewUserAsync("rui.fila@trt8.jus.br", clerkOf: [Macapa], name: "Rui Lima");
        var answered = new List<Conversation>();
        for (var i = 1; i <= Web.Features.Sla.WaitLookup.MinimumAnswers; i++)
        {
            await bot.SayAsync("Minha audiência foi remarcada?", from: $"whatsapp:+559198111100{i}", to: BotHarness.MacapaNumber);
            answered.Add(await bot.ConversationAsync(from: $"whatsapp:+559198111100{i}", to: BotHarness.MacapaNumber));
        }

        bot.Factory.Time.Advance(TimeSpan.FromMinutes(90));
        foreach (var c in answered)
        {
            Assert.That((int)(await api.PostAsJsonAsync($"/api/conversations/{c.Id}/messages", new { text = "Respondido." })).StatusCode, Is.EqualTo(202));
        }

        var store = bot.Factory.Services.GetRequiredService<Web.Features.Sla.SlaStore>();
        await TestServers.WaitUntilAsync(async () => (await Task.WhenAll(answered.Select(c => store.GetCurrentAsync(c.Id)))).All(p => p.Period?.Period.IsOpen == false),
            TimeSpan.FromSeconds(20), "the answers to end the waits");
        await bot.SayAsync("Quando sai o alvará?", to: BotHarness.MacapaNumber);
        var maria = await bot.ConversationAsync(to: BotHarness.MacapaNumber);
        bot.Factory.Time.Advance(TimeSpan.FromMinutes(1));
        var told = await bot.SayAsync("Minha audiência foi remarcada?", from: Bia, to: BotHarness.MacapaNumber);
        Assert.That(told.Single(), Does.Contain("Há 1 conversa antes da sua na fila da 7ª Vara do Trabalho de Macapá."));
        var bia = await bot.ConversationAsync(from: Bia, to: BotHarness.MacapaNumber);

        await using var browser = await SystemChromium.SessionAsync();
        foreach (var width in new[] { 1280, 360 })
        {
            var page = await (await browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = 800 }, Locale = "pt-BR" })).NewPageAsync();
            await InboxPageTests.SignInAsync(page, bot.BaseUrl, "rui.fila@trt8.jus.br");
            await Assertions.Expect(page.Locator(Row(maria.Id)).Locator(".place")).ToHaveTextAsync(" · 1º na fila");
            await Assertions.Expect(page.Locator(Row(bia.Id)).Locator(".place")).ToHaveTextAsync(" · 2º na fila");
            await Assertions.Expect(page.Locator(".pace")).ToHaveTextAsync("1ª resposta costuma levar 1 h 30 min");
            await page.ScreenshotAsync(new() { Path = SystemChromium.ScreenshotPath($"workspace-queue-{width}.png") });
        }
    }

    /// <summary>
    /// A transfer puts the clerk back on the list saying where it went, and the receiving unit reads why at the top;
    /// closing asks first and can say a last word to the citizen.
    /// </summary>
    [Test]
    public async Task Transfer_GoesBackToTheListSayingWhere_TheOtherUnitReadsWhy_AndClosingAsksFirst()
    {
        await using var bot = await BotHarness.StartAsync(kestrel: true);
        (await bot.Factory.ClientForNewUserAsync("ivo.ws@trt8.jus.br", clerkOf: [Macapa], name: "Ivo Ramos")).Dispose();
        (await bot.Factory.ClientForNewUserAsync("bel.ws@trt8.jus.br", clerkOf: ["trt8-vt-belem-1"], name: "Bel")).Dispose();
        await bot.SayAsync("Minha audiência foi remarcada?", to: BotHarness.MacapaNumber);
        var maria = await bot.ConversationAsync(to: BotHarness.MacapaNumber);
        await using var browser = await SystemChromium.SessionAsync();
        var ivo = await (await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 } })).NewPageAsync();
        await InboxPageTests.SignInAsync(ivo, bot.BaseUrl, "ivo.ws@trt8.jus.br");
        await ivo.Locator(Row(maria.Id)).Locator("a").ClickAsync();
        await ivo.ClickAsync(".transfer-control summary");
        await ivo.SelectOptionAsync("#transfer-unit", ["trt8-vt-belem-1"]);
        await ivo.FillAsync("#transfer-reason", "O processo é da 1ª Vara de Belém.");
        await ivo.ClickAsync("form.transfer button[type=submit]");
        await ivo.ArrivedAsync("/inbox");
        await Assertions.Expect(ivo.Locator("#list-note")).ToHaveTextAsync("Transferida para 1ª Vara do Trabalho de Belém.");
        await Assertions.Expect(ivo.Locator(Row(maria.Id))).ToHaveCountAsync(0);

        var bel = await (await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 } })).NewPageAsync();
        await InboxPageTests.SignInAsync(bel, bot.BaseUrl, "bel.ws@trt8.jus.br");
        await bel.Locator(Row(maria.Id)).Locator("a").ClickAsync();
        await Assertions.Expect(bel.Locator("#transfer-reason-note")).ToContainTextAsync("Veio da 7ª Vara do Trabalho de Macapá, enviada por Ivo Ramos");
        await Assertions.Expect(bel.Locator("#transfer-reason-note")).ToContainTextAsync("Motivo: O processo é da 1ª Vara de Belém.");

        await bel.ClickAsync("#close");
        await Assertions.Expect(bel.Locator("#close-message")).ToBeFocusedAsync();
        Assert.That((await bot.Conversations.GetAsync(maria.Id))!.State, Is.EqualTo(Web.Features.Conversations.ConversationState.Waiting), "nothing closed yet");
        await bel.FillAsync("#close-message", "A audiência está mantida. Bom dia!");
        await bel.ClickAsync("#close-confirm");
        await bel.ArrivedAsync("/inbox");
        await Assertions.Expect(bel.Locator("#list-note")).ToHaveTextAsync("Conversa encerrada.");
        Assert.That((await bot.Conversations.GetAsync(maria.Id))!.State, Is.EqualTo(Web.Features.Conversations.ConversationState.Closed));
        await TestServers.WaitUntilAsync(() => Task.FromResult(bot.Twilio.Requests.Any(r => r.Body == "A audiência está mantida. Bom dia!")),
            TimeSpan.FromSeconds(20), "the last word to reach the citizen");
    }

    private static async Task<string?> UserIdAsync(BotHarness bot, string email)
    {
        using var admin = await bot.Factory.AdminClientAsync();
        var users = await admin.GetFromJsonAsync<JsonElement>("/api/users");
        return users.EnumerateArray().Single(u => u.GetProperty("email").GetString() == email).GetProperty("id").GetString();
    }
}
