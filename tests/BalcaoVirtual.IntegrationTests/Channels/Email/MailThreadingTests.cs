using System.Net.Http.Json;
using BalcaoVirtual.IntegrationTests.Chatbot;
using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Web.Features.Channels.Email;
using BalcaoVirtual.Web.Features.Conversations;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using static BalcaoVirtual.IntegrationTests.Channels.Email.MailTestSupport;

namespace BalcaoVirtual.IntegrationTests.Channels.Email;

/// <summary>
/// The whole e-mail round trip against real servers: a citizen's mail read from Dovecot, the clerk's answer delivered by
/// SMTP (aiosmtpd) to the citizen's mailbox with the thread's headers, and replies, robots and bounces read back.
/// </summary>
public sealed class MailThreadingTests
{
    [Test]
    public async Task ClerkAnswer_ArrivesThreaded_InTextAndHtml_AndRepliesJoinTheConversation_ByHeadersOrPlusAddress_NeverBySubject()
    {
        var user = NewUser();
        await using var bot = await BotHarness.StartAsync(Settings(user, plus: true, ownSmtp: true));
        var citizen = NewCitizen();
        var (poller, question, conversation) = await AskAsync(bot, user, Mail(citizen, "Audiência adiada?", "Bom dia, a audiência do meu processo foi adiada?"));

        using var clerk = await bot.Factory.ClientForNewUserAsync("servidora@trt8.jus.br", clerkOf: [Unit]);
        var answerText = "Bom dia. A audiência foi mantida para 10/12, às 9h.\n\nAtenciosamente, <Secretaria> & equipe";
        var sent = await clerk.PostAsJsonAsync($"/api/conversations/{conversation.Id}/messages", new { text = answerText });
        Assert.That((int)sent.StatusCode, Is.EqualTo(202), await sent.Content.ReadAsStringAsync());

        var received = await ReceivedAsync(citizen, 2);
        var ack = received.Single(m => m.Headers["Auto-Submitted"] == "auto-replied");
        var answer = received.Single(m => m.Headers["Auto-Submitted"] is null);
        Assert.Multiple(() =>
        {
            Assert.That(answer.From.Mailboxes.Single().Address, Is.EqualTo(UnitAddress));
            Assert.That(answer.Subject, Is.EqualTo("Re: Audiência adiada?"));
            Assert.That(answer.MessageId, Does.StartWith("balcao.").And.EndWith("@trt8.jus.br"));
            Assert.That(answer.InReplyTo, Is.EqualTo(question.MessageId));
            Assert.That(answer.References, Is.EqualTo(new[] { question.MessageId, ack.MessageId }));
            Assert.That(answer.ReplyTo.Mailboxes.Single().Address, Is.EqualTo($"vt7macapa+{MailThreads.TokenOf(conversation.Id)}@trt8.jus.br"));
            Assert.That(answer.Body, Is.InstanceOf<MultipartAlternative>());
            Assert.That(answer.TextBody!.Replace("\r\n", "\n", StringComparison.Ordinal), Does.StartWith(answerText));
            Assert.That(answer.HtmlBody, Does.Contain("&lt;Secretaria&gt; &amp; equipe").And.Not.Contain("<Secretaria>"), "escaped in HTML");
            Assert.That(ack.InReplyTo, Is.EqualTo(question.MessageId));
        });

        // The citizen answers from her work address, quoting the history: it joins the conversation, which waits again.
        var work = NewCitizen("trabalho");
        var byInReplyTo = Mail(work, "Re: Audiência adiada?",
            "Obrigada! E preciso levar testemunhas?\n\nEm seg., 23 de nov. de 2026 às 09:00, 7ª Vara do Trabalho de Macapá <\nvt7macapa@trt8.jus.br> escreveu:\n> Bom dia. A audiência foi mantida");
        byInReplyTo.InReplyTo = answer.MessageId;
        // Only References (a program that drops In-Reply-To), from yet another address.
        var byReferences = Mail(NewCitizen("celular"), "Re: Audiência adiada?", "Enviado do celular: confirmo presença.");
        byReferences.References.Add(question.MessageId!);
        byReferences.References.Add(answer.MessageId);
        // Only the plus address (a new mail to the Reply-To), from a colleague.
        var byPlus = Mail(NewCitizen("colega"), "Sobre o processo da minha cliente", "Sou advogada da parte e acompanho o caso.",
            to: answer.ReplyTo.Mailboxes.Single().Address);
        // Same subject, no headers: a new conversation, never joined by subject.
        var sameSubject = Mail(NewCitizen("outra"), "Re: Audiência adiada?", "Também quero saber da minha audiência.");
        await AppendAsync(user, byInReplyTo, byReferences, byPlus, sameSubject);
        Assert.That(await poller.PollAsync(Unit, CancellationToken.None), Is.EqualTo(new MailPollResult(4, 0, 0)));

        var waiting = await MailboxPollerTests.WaitingAsync(bot, 2);
        var thread = waiting.Single(w => w.Conversation.Id == conversation.Id).Messages;
        var inbound = thread.Where(m => m.Direction == MessageDirection.Inbound).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(inbound, Has.Count.EqualTo(4), "the question and three replies");
            Assert.That(inbound[1].Text, Is.EqualTo("Re: Audiência adiada?\n\nObrigada! E preciso levar testemunhas?"), "new text only");
            Assert.That(inbound[1].Quoted, Does.StartWith("Em seg., 23 de nov.").And.Contain("> Bom dia. A audiência foi mantida"), "history kept apart");
            Assert.That(inbound[1].From, Is.EqualTo(work));
            Assert.That(inbound.Skip(1).Select(m => m.From), Has.All.Not.Null, "each reply names its other sender");
            Assert.That(waiting.Single(w => w.Conversation.Id != conversation.Id).Conversation.ContactAddress, Does.StartWith("outra."));
            Assert.That(thread.Count(m => m.Author == MessageAuthor.Bot), Is.EqualTo(1), "no second acknowledgement for a reply");
        });
    }

    /// <summary>
    /// The closing letter after an answer carries the survey's line; the citizen's reply with a rating (and the rest of the
    /// letter as the comment) is recorded in the closed conversation, with no automatic answer.
    /// </summary>
    [Test]
    public async Task ClosingLetter_AsksForARating_AndTheReplyIsRecorded_WithoutAnAnswer()
    {
        var user = NewUser();
        await using var bot = await BotHarness.StartAsync(Settings(user, plus: true, ownSmtp: true));
        var citizen = NewCitizen("nota");
        var (poller, _, conversation) = await AskAsync(bot, user, Mail(citizen, "Certidão", "Bom dia, como peço uma certidão?"));
        using var clerk = await bot.Factory.ClientForNewUserAsync("servidora@trt8.jus.br", clerkOf: [Unit]);
        Assert.That((int)(await clerk.PostAsJsonAsync($"/api/conversations/{conversation.Id}/messages", new { text = "Pelo site do tribunal." })).StatusCode, Is.EqualTo(202));
        await ReceivedAsync(citizen, 2);
        Assert.That((await clerk.PostAsync($"/api/conversations/{conversation.Id}/close", null)).IsSuccessStatusCode);
        var closing = (await ReceivedAsync(citizen, 3))[^1];
        Assert.That(closing.TextBody, Does.Contain("encerrou este atendimento")
            .And.Contain("Responda a este e-mail com uma nota de 1 (muito ruim) a 5 (ótimo) e, se quiser, um comentário."));

        var rating = Mail(citizen, "Re: Certidão", "5\nResolveu rápido, obrigada.\n\nEm seg., 23 de nov. de 2026 às 09:05, 7ª Vara do Trabalho de Macapá escreveu:\n> encerrou");
        rating.InReplyTo = closing.MessageId;
        await AppendAsync(user, rating);
        await poller.PollAsync(Unit, CancellationToken.None);
        await TestServers.WaitUntilAsync(async () => (await bot.Conversations.GetAsync(conversation.Id))!.Surveys.SingleOrDefault()?.Score is not null,
            TimeSpan.FromSeconds(20), "the rating to be recorded");
        var after = (await bot.Conversations.GetAsync(conversation.Id))!;
        Assert.Multiple(() =>
        {
            Assert.That(after.State, Is.EqualTo(ConversationState.Closed), "a rating does not reopen it");
            Assert.That((after.Surveys[0].Score, after.Surveys[0].Comment), Is.EqualTo(((int?)5, "Resolveu rápido, obrigada.")));
        });
        var outbox = bot.Factory.Services.GetRequiredService<Outbox>();
        await TestServers.WaitUntilAsync(async () => await outbox.PendingAsync() == 0, TimeSpan.FromSeconds(20), "anything queued to be sent");
        Assert.That(Received(citizen), Has.Count.EqualTo(3), "no automatic answer to the rating");
    }

    [Test]
    public async Task ReplyTo_NamingSomeoneElse_DoesNotSpeakAsThem_ButAnswersGoThere_AndTheClerkSeesIt()
    {
        var user = NewUser();
        await using var bot = await BotHarness.StartAsync(Settings(user));
        var beatriz = NewCitizen("beatriz");
        var (poller, _, hers) = await AskAsync(bot, user, Mail(beatriz, "Meu processo", "Qual a situação do meu processo?"));

        // Mallory writes as herself but asks for answers at Beatriz's address.
        var mallory = NewCitizen("mallory");
        var spoof = Mail(mallory, "Re: Meu processo", "Desisto da ação, podem arquivar.");
        spoof.ReplyTo.Add(MailboxAddress.Parse(beatriz));
        await AppendAsync(user, spoof);
        await poller.PollAsync(Unit, CancellationToken.None);

        var waiting = await MailboxPollerTests.WaitingAsync(bot, 2);
        var beatrizThread = waiting.Single(w => w.Conversation.Id == hers.Id).Messages;
        var (malloryConversation, malloryThread) = waiting.Single(w => w.Conversation.Id != hers.Id);
        Assert.That(beatrizThread.Where(m => m.Direction == MessageDirection.Inbound).Select(m => m.Text), Has.None.Contains("Desisto"), "not in Beatriz's conversation");
        Assert.That(malloryConversation.ContactAddress, Is.EqualTo(mallory), "the sender is From");
        Assert.That(malloryThread.Single(m => m.Direction == MessageDirection.Inbound).ReplyTo, Is.EqualTo(beatriz), "shown to the clerk");

        using var clerk = await bot.Factory.ClientForNewUserAsync("servidora@trt8.jus.br", clerkOf: [Unit]);
        var shown = await clerk.GetStringAsync($"/api/conversations/{malloryConversation.Id}");
        Assert.That(shown, Does.Contain("\"replyTo\":\"" + beatriz + "\""));
        var sent = await clerk.PostAsJsonAsync($"/api/conversations/{malloryConversation.Id}/messages", new { text = "Recebemos. Confirme pelo PJe." });
        Assert.That((int)sent.StatusCode, Is.EqualTo(202));
        var answers = await ReceivedAsync(beatriz, 2); // her acknowledgement, then this answer, where the mail asked
        Assert.That(answers.Any(m => m.TextBody!.Contains("Confirme pelo PJe", StringComparison.Ordinal)), Is.True);

        // The court's own contact form relays for a citizen: From the court's domain, the citizen in Reply-To.
        var carla = NewCitizen("carla");
        var relayed = Mail("formulario@trt8.jus.br", "Fale conosco", "Nome: Carla. Quero saber da minha audiência.");
        relayed.ReplyTo.Add(MailboxAddress.Parse(carla));
        await AppendAsync(user, relayed);
        await poller.PollAsync(Unit, CancellationToken.None);
        var all = await MailboxPollerTests.WaitingAsync(bot, 2); // Beatriz's and Carla's (Mallory's was answered)
        Assert.That(all.Select(w => w.Conversation.ContactAddress), Does.Contain(carla).And.Not.Contain("formulario@trt8.jus.br"));
    }

    [Test]
    public async Task Robots_AreNeverAnswered_OutOfOfficeJoinsQuietly_ListsAndStrayAutoRepliesAreSetAside_BouncesMarkTheAnswer()
    {
        var user = NewUser();
        await using var bot = await BotHarness.StartAsync(Settings(user));
        var citizen = NewCitizen();
        var (poller, _, conversation) = await AskAsync(bot, user, Mail(citizen, "Certidão", "Como peço uma certidão?"));
        using var clerk = await bot.Factory.ClientForNewUserAsync("servidor@trt8.jus.br", clerkOf: [Unit]);
        await clerk.PostAsJsonAsync($"/api/conversations/{conversation.Id}/messages", new { text = "Pelo portal do tribunal." });
        var answer = (await ReceivedAsync(citizen, 2)).Single(m => m.Headers["Auto-Submitted"] is null);

        // The citizen's out-of-office answers our answer; a newsletter and a stray auto-reply arrive; the answer bounces.
        var outOfOffice = Mail(citizen, "Resposta automática: Re: Certidão", "Estou em férias até 30/11.");
        outOfOffice.InReplyTo = answer.MessageId;
        outOfOffice.Headers.Add("Auto-Submitted", "auto-replied");
        var newsletter = Mail(NewCitizen("boletim"), "Boletim semanal", "Notícias jurídicas da semana.");
        newsletter.Headers.Add("List-Id", "<boletim.exemplo.com.br>");
        newsletter.Headers.Add("Precedence", "bulk");
        var stray = Mail(NewCitizen("robo"), "Automatic reply", "I am away.");
        stray.Headers.Add("X-Autoreply", "yes");
        var report = new MultipartReport("delivery-status")
        {
            new TextPart("plain") { Text = "Não foi possível entregar a mensagem: caixa cheia." },
            new MessagePart("rfc822") { Message = answer },
        };
        var bounce = new MimeMessage([new MailboxAddress("Mail Delivery System", "MAILER-DAEMON@exemplo.com.br")], [MailboxAddress.Parse(UnitAddress)],
            "Undelivered Mail Returned to Sender", report) { MessageId = Guid.NewGuid().ToString("N") + "@exemplo.com.br" };
        await AppendAsync(user, outOfOffice, newsletter, stray, bounce);

        Assert.That(await poller.PollAsync(Unit, CancellationToken.None), Is.EqualTo(new MailPollResult(1, 0, 2, 1)));
        Assert.That(await CountAsync(user, "INBOX"), Is.Zero, "everything moved aside, nothing read again");

        var store = bot.Factory.Services.GetRequiredService<ConversationStore>();
        IReadOnlyList<Message> thread = [];
        await TestServers.WaitUntilAsync(async () =>
        {
            thread = await store.GetMessagesAsync(conversation.Id);
            return thread.Any(m => m.Automatic) && thread.Any(m => m.Status == "undelivered");
        }, TimeSpan.FromSeconds(20), "the out-of-office in the thread and the answer marked undelivered");
        var after = await store.GetAsync(conversation.Id);
        Assert.Multiple(() =>
        {
            Assert.That(after!.State, Is.EqualTo(ConversationState.Answered), "an out-of-office opens no new waiting period");
            Assert.That(thread.Single(m => m.Status == "undelivered").Text, Is.EqualTo("Pelo portal do tribunal."));
            Assert.That(thread.Single(m => m.Status == "undelivered").ErrorCode, Is.EqualTo("bounced"));
            Assert.That(thread.Count(m => m.Direction == MessageDirection.Outbound), Is.EqualTo(2), "the acknowledgement and the answer, nothing more");
        });
        var page = await store.ListAsync([Unit], [ConversationState.Bot, ConversationState.Waiting, ConversationState.Answered, ConversationState.Closed], 1, 50);
        Assert.That(page.Items.Select(c => c.Id), Is.EqualTo(new[] { conversation.Id }), "no conversation for the list, the robot or the mailer-daemon");
        Assert.That(Received(citizen), Has.Count.EqualTo(2), "the out-of-office got no answer");
    }

    [Test]
    public async Task Originals_AreServedOnlyThroughTheirOwnConversation_AndEachDownloadIsAudited()
    {
        var user = NewUser();
        await using var bot = await BotHarness.StartAsync(Settings(user));
        var poller = bot.Factory.Services.GetRequiredService<MailboxPoller>();
        // Two citizens whose conversations share a store bucket (the first hex digit of the contact id).
        var ana = NewCitizen("ana");
        var bruno = NewCitizen("bruno");
        while (bot.Factory.ContactIdOf(ContactAddress.FromEmail(bruno)!)[0] != bot.Factory.ContactIdOf(ContactAddress.FromEmail(ana)!)[0])
        {
            bruno = NewCitizen("bruno");
        }

        MimeMessage WithHtml(string from, string text)
        {
            var body = new BodyBuilder { TextBody = text, HtmlBody = $"<p>{text}</p>" };
            body.Attachments.Add("rg.pdf", "%PDF-1.4 documento"u8.ToArray(), ContentType.Parse("application/pdf"));
            return new([MailboxAddress.Parse(from)], [MailboxAddress.Parse(UnitAddress)], "Pedido", body.ToMessageBody())
            { MessageId = Guid.NewGuid().ToString("N") + "@exemplo.com.br" };
        }

        await AppendAsync(user, WithHtml(ana, "Sou a Ana, CPF 529.982.247-25."), WithHtml(bruno, "Sou o Bruno."));
        await poller.PollAsync(Unit, CancellationToken.None);
        var waiting = await MailboxPollerTests.WaitingAsync(bot, 2);
        var (anaConversation, anaThread) = waiting.Single(w => w.Conversation.ContactAddress == ana);
        var brunoConversation = waiting.Single(w => w.Conversation.ContactAddress == bruno).Conversation;
        var anaMail = anaThread.Single(m => m.Direction == MessageDirection.Inbound).Id;

        using var clerk = await bot.Factory.ClientForNewUserAsync("servidora@trt8.jus.br", clerkOf: [Unit]);
        var through = await clerk.GetAsync($"/api/conversations/{brunoConversation.Id}/messages/{anaMail}/original");
        var own = await clerk.GetAsync($"/api/conversations/{anaConversation.Id}/messages/{anaMail}/original");

        var fileThrough = await clerk.GetAsync($"/api/conversations/{brunoConversation.Id}/messages/{anaMail}/attachments/0");
        var ownFile = await clerk.GetAsync($"/api/conversations/{anaConversation.Id}/messages/{anaMail}/attachments/0");

        Assert.That((int)through.StatusCode, Is.EqualTo(404), "Ana's mail through Bruno's conversation");
        Assert.That((int)fileThrough.StatusCode, Is.EqualTo(404), "Ana's attachment through Bruno's conversation");
        Assert.That((int)own.StatusCode, Is.EqualTo(200));
        Assert.That((int)ownFile.StatusCode, Is.EqualTo(200));
        Assert.That(await own.Content.ReadAsStringAsync(), Does.Contain("529.982.247-25"));
        using var admin = await bot.Factory.AdminClientAsync();
        var original = await admin.GetStringAsync("/api/audit?action=conversation.original");
        Assert.That(original, Does.Contain(anaConversation.Id).And.Contain(anaMail), "the download of the whole mail is recorded, as a reveal is");
        var files = await admin.GetStringAsync("/api/audit?action=conversation.attachment");
        Assert.That(files, Does.Contain(anaConversation.Id).And.Contain(anaMail + "#0"), "each attachment download is recorded");
        Assert.That(files, Does.Not.Contain(brunoConversation.Id), "a refused download is no download");
    }

    [Test]
    public async Task Attachments_AreKeptAndDownloadedByTheUnit_AFiveMegabyteOne_WhileMailOverTheLimitKeepsItsTextAndANote()
    {
        var user = NewUser();
        var settings = Settings(user);
        await using var bot = await BotHarness.StartAsync(settings);
        var poller = bot.Factory.Services.GetRequiredService<MailboxPoller>();
        var pdf = new byte[5 * 1024 * 1024];
        Random.Shared.NextBytes(pdf);
        var citizen = NewCitizen();
        var builder = new BodyBuilder { TextBody = "Segue o comprovante." };
        builder.Attachments.Add("comprovante.pdf", pdf, ContentType.Parse("application/pdf"));
        var withAttachment = new MimeMessage([MailboxAddress.Parse(citizen)], [MailboxAddress.Parse(UnitAddress)], "Comprovante", builder.ToMessageBody())
        { MessageId = Guid.NewGuid().ToString("N") + "@exemplo.com.br" };
        await AppendAsync(user, withAttachment);
        await poller.PollAsync(Unit, CancellationToken.None);
        var (conversation, messages) = (await MailboxPollerTests.WaitingAsync(bot, 1)).Single();
        var message = messages.Single(m => m.Direction == MessageDirection.Inbound);
        Assert.That(message.MediaUrls, Is.EqualTo(new[] { "attachment:0/comprovante.pdf" }));
        Assert.That(message.MediaTypes, Is.EqualTo(new[] { "application/pdf" }));

        using var clerk = await bot.Factory.ClientForNewUserAsync("servidora@trt8.jus.br", clerkOf: [Unit]);
        var download = await clerk.GetAsync($"/api/conversations/{conversation.Id}/messages/{message.Id}/attachments/0");
        Assert.That((int)download.StatusCode, Is.EqualTo(200));
        Assert.That(await download.Content.ReadAsByteArrayAsync(), Is.EqualTo(pdf), "the same bytes");
        Assert.That(download.Content.Headers.ContentDisposition?.DispositionType, Is.EqualTo("attachment"), "a download, never shown inline");
        Assert.That(download.Headers.GetValues("X-Content-Type-Options"), Is.EqualTo(new[] { "nosniff" }));
        var original = await clerk.GetAsync($"/api/conversations/{conversation.Id}/messages/{message.Id}/original");
        Assert.That(original.Content.Headers.ContentType?.MediaType, Is.EqualTo("message/rfc822"));
        using var other = await bot.Factory.ClientForNewUserAsync("outra.vara@trt8.jus.br", clerkOf: ["trt8-vt-belem-1"]);
        Assert.That((int)(await other.GetAsync($"/api/conversations/{conversation.Id}/messages/{message.Id}/attachments/0")).StatusCode, Is.EqualTo(403));
        Assert.That((int)(await clerk.GetAsync($"/api/conversations/{conversation.Id}/messages/{message.Id}/attachments/1")).StatusCode, Is.EqualTo(404));

        // Over the limit: the text and a note reach the unit; the attachment stays on the mail server.
        var smallUser = NewUser();
        var small = Settings(smallUser);
        small["Mail:MaxMessageBytes"] = (1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using var limited = await BotHarness.StartAsync(small);
        var big = new MimeMessage([MailboxAddress.Parse(NewCitizen())], [MailboxAddress.Parse(UnitAddress)], "Comprovante", builder.ToMessageBody())
        { MessageId = Guid.NewGuid().ToString("N") + "@exemplo.com.br" };
        await AppendAsync(smallUser, big);
        Assert.That(await limited.Factory.Services.GetRequiredService<MailboxPoller>().PollAsync(Unit, CancellationToken.None), Is.EqualTo(new MailPollResult(1, 0, 0)));
        var kept = (await MailboxPollerTests.WaitingAsync(limited, 1)).Single().Messages.Single(m => m.Direction == MessageDirection.Inbound);
        Assert.That(kept.Text, Does.StartWith("Comprovante\n\nSegue o comprovante.").And.Contain("acima do limite de 1 MB"));
        Assert.That(kept.MediaUrls, Is.Empty);
    }

    [Test]
    public async Task CourtWideMailbox_RoutesByCaseNumberOrTown_AsksOnceWhenItCannotTell_AndAnswersARobotLoopAtMostThreeTimesADay()
    {
        var user = NewUser();
        var courtUser = NewUser("balcao");
        await using var bot = await BotHarness.StartAsync(Settings(user, courtUser: courtUser));
        var poller = bot.Factory.Services.GetRequiredService<MailboxPoller>();
        var lawyer = NewCitizen("advogado");
        var unsure = NewCitizen("duvida");
        await AppendAsync(courtUser,
            Mail(lawyer, "Informação", $"Peço andamento do processo {Macapa}.", to: CourtAddress),
            Mail(unsure, "Dúvida", "Quando sai meu alvará?", to: CourtAddress));
        Assert.That(await poller.PollAsync("TRT8", CancellationToken.None), Is.EqualTo(new MailPollResult(2, 0, 0)));

        var routed = (await MailboxPollerTests.WaitingAsync(bot, 1)).Single().Conversation;
        Assert.That(routed.ContactAddress, Is.EqualTo(lawyer), "the case number's origin code 0210 is Macapá's");
        Assert.That((await ReceivedAsync(lawyer, 1)).Single().TextBody, Does.Contain("encaminhada à 7ª Vara do Trabalho de Macapá")
            .And.Contain("Sua conversa é a primeira da fila da 7ª Vara do Trabalho de Macapá."), "the deadline, then where the letter stands");
        var ask = (await ReceivedAsync(unsure, 1)).Single();
        Assert.That(ask.TextBody, Does.Contain("número do processo").And.Contain("cidade"));
        Assert.That(ask.From.Mailboxes.Single().Address, Is.EqualTo(CourtAddress));

        // The citizen answers with the town: the conversation goes to Macapá, acknowledged.
        var town = Mail(unsure, "Re: Dúvida", "O processo corre em Macapá.", to: CourtAddress);
        town.InReplyTo = ask.MessageId;
        await AppendAsync(courtUser, town);
        await poller.PollAsync("TRT8", CancellationToken.None);
        await MailboxPollerTests.WaitingAsync(bot, 2);
        Assert.That((await ReceivedAsync(unsure, 2))[^1].TextBody, Does.Contain("encaminhada à 7ª Vara do Trabalho de Macapá"));

        // A robot that answers everything without saying it is one: three automatic answers a day, then silence.
        var robot = NewCitizen("robo");
        for (var i = 0; i < 5; i++)
        {
            await AppendAsync(courtUser, Mail(robot, "Sem assunto " + i, "Mensagem recebida.", to: CourtAddress));
            await poller.PollAsync("TRT8", CancellationToken.None);
        }

        // All five processed and the outbox empty: whatever was to be sent has been.
        var services = bot.Factory.Services;
        var keys = services.GetRequiredService<BalcaoVirtual.Web.Infrastructure.Storage.RedisKeys>();
        var db = services.GetRequiredService<BalcaoVirtual.Web.Infrastructure.Storage.RedisConnections>().GetDatabase();
        var conversationId = (string?)await db.HashGetAsync(keys.Contact(bot.Factory.ContactIdOf(ContactAddress.FromEmail(robot)!)), InboundStore.OpenField(CourtAddress));
        await TestServers.WaitUntilAsync(async () =>
        {
            var messages = await services.GetRequiredService<ConversationStore>().GetMessagesAsync(conversationId!);
            var inbound = messages.Where(m => m.Direction == MessageDirection.Inbound).ToList();
            return inbound.Count == 5
                && (await Task.WhenAll(inbound.Select(m => db.KeyExistsAsync(keys.MessageProcessed(conversationId!, m.Id))))).All(done => done)
                && await services.GetRequiredService<Outbox>().PendingAsync() == 0;
        }, TimeSpan.FromSeconds(20), "the robot's five mails processed and the outbox empty");
        Assert.That((await ReceivedAsync(robot, 3)).Count, Is.EqualTo(3));
    }

    /// <summary>The citizen's first mail, delivered to the unit's mailbox and read: the conversation waits for the unit.</summary>
    private static async Task<(MailboxPoller Poller, MimeMessage Question, Conversation Conversation)> AskAsync(BotHarness bot, string user, MimeMessage question)
    {
        var poller = bot.Factory.Services.GetRequiredService<MailboxPoller>();
        await AppendAsync(user, question);
        await poller.PollAsync(Unit, CancellationToken.None);
        return (poller, question, (await MailboxPollerTests.WaitingAsync(bot, 1)).Single().Conversation);
    }
}
