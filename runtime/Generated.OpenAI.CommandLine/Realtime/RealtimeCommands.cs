using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.Audio;
using Generated.OpenAI.Http;
using Generated.OpenAI.Models;
using Generated.OpenAI.Realtime;
using Generated.OpenAI.Serialization;
using Generated.OpenAI.Simulator;
using Generated.OpenAI.WebSockets;
using RealtimeTranslationSession = Generated.OpenAI.Realtime.RealtimeTranslationSession;

namespace Generated.OpenAI.CommandLine;

/// <summary>
/// <c>openai realtime transcribe|translate|talk|sample</c>: WAV files through the Realtime API's WebSocket sessions,
/// against <c>OPENAI_BASE_URL</c> with <c>OPENAI_API_KEY</c>, or without a key (or with <c>--simulator</c>) against the
/// built-in realtime simulator. Not the generated <c>realtime:*</c> REST commands (client secrets, calls).
/// </summary>
internal static class RealtimeCommands
{
    private static readonly TimeSpan s_answerTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Creates the <c>realtime</c> command; its subcommands write to <paramref name="console"/> and read its environment.</summary>
    public static Command Create(CommandLineConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        TextWriter output = console.Out;
        TextWriter error = console.Error;
        var fast = new Option<bool>("--fast") { Description = "Send the audio as fast as possible instead of in real time." };
        var simulator = new Option<bool>("--simulator") { Description = "Use the built-in simulator even when OPENAI_API_KEY is set." };
        var transcriptFile = new Option<FileInfo?>("--transcript", "-t") { Description = "Also write the transcript to this text file." };

        var transcribeInput = InputOption();
        var transcribeOutput = new Option<FileInfo?>("--output", "-o") { Description = "Write the transcript to this text file." };
        var transcribe = new Command("transcribe", "Transcribe a WAV file with a realtime transcription session (gpt-realtime-whisper).")
        {
            transcribeInput, transcribeOutput, fast, simulator,
        };
        transcribe.SetAction((parse, ct) => CommandErrors.GuardAsync(error, () => TranscribeAsync(parse.GetValue(transcribeInput)!, parse.GetValue(transcribeOutput), parse.GetValue(fast), parse.GetValue(simulator), console, ct)));

        var translateInput = InputOption();
        var translateOutput = new Option<FileInfo>("--output", "-o") { Description = "The translated audio (WAV, 24 kHz mono PCM16).", Required = true };
        var language = new Option<string>("--language", "-l") { Description = "Target language code.", DefaultValueFactory = _ => "es" };
        language.Validators.Add(static result =>
        {
            if (string.IsNullOrWhiteSpace(result.GetValueOrDefault<string>()))
            {
                result.AddError("--language must not be empty: give a language code such as es, fr or de.");
            }
        });
        var translateModel = new Option<string>("--model") { Description = "Translation model.", DefaultValueFactory = _ => RealtimeClient.DefaultTranslationModel };
        var translate = new Command("translate", "Translate the speech of a WAV file into another language (audio and text).")
        {
            translateInput, translateOutput, language, translateModel, transcriptFile, fast, simulator,
        };
        translate.SetAction((parse, ct) => CommandErrors.GuardAsync(error, () => TranslateAsync(parse.GetValue(translateInput)!, parse.GetValue(translateOutput)!, parse.GetValue(language)!, parse.GetValue(translateModel)!, parse.GetValue(transcriptFile), parse.GetValue(fast), parse.GetValue(simulator), console, ct)));

        var talkInput = InputOption();
        var talkOutput = new Option<FileInfo>("--output", "-o") { Description = "The spoken answer (WAV, 24 kHz mono PCM16).", Required = true };
        var talkModel = new Option<string>("--model") { Description = "Voice-agent model.", DefaultValueFactory = _ => RealtimeClient.DefaultVoiceModel };
        var voice = new Option<string>("--voice") { Description = "Output voice.", DefaultValueFactory = _ => "marin" };
        var instructions = new Option<string?>("--instructions") { Description = "System instructions for the agent." };
        var talk = new Command("talk", "Ask a voice agent a spoken question (WAV) and save its spoken answer.")
        {
            talkInput, talkOutput, talkModel, voice, instructions, transcriptFile, fast, simulator,
        };
        talk.SetAction((parse, ct) => CommandErrors.GuardAsync(error, () => TalkAsync(parse.GetValue(talkInput)!, parse.GetValue(talkOutput)!, parse.GetValue(talkModel)!, parse.GetValue(voice)!, parse.GetValue(instructions), parse.GetValue(transcriptFile), parse.GetValue(fast), parse.GetValue(simulator), console, ct)));

        var sampleOutput = new Option<FileInfo>("--output", "-o") { Description = "Where to write the sample WAV.", Required = true };
        var seconds = new Option<double>("--seconds") { Description = "Length of the sample.", DefaultValueFactory = _ => 2.0 };
        var sample = new Command("sample", "Write a deterministic sample WAV (24 kHz mono PCM16) to try the other commands with.")
        {
            sampleOutput, seconds,
        };
        sample.SetAction((parse, ct) => CommandErrors.GuardAsync(error, () => SampleAsync(parse.GetValue(sampleOutput)!, parse.GetValue(seconds), output)));

        return new Command("realtime", "[tool] Realtime speech over WebSockets with WAV files: transcribe, translate, talk (and sample, a WAV to try them with). Without OPENAI_API_KEY, or with --simulator, against the built-in simulator. The generated realtime:* commands are the REST operations.")
        {
            transcribe, translate, talk, sample,
        };
    }

    private static Option<FileInfo> InputOption() => new("--input", "-i") { Description = "Input WAV file (any common rate and channel count).", Required = true };

    private static async Task<int> SampleAsync(FileInfo output, double seconds, TextWriter stdout)
    {
        if (seconds is <= 0 or > 600)
        {
            throw new UsageException("--seconds must be between 0 and 600.");
        }

        string path = SampleAudio.WriteWav(output.FullName, TimeSpan.FromSeconds(seconds));
        await stdout.WriteLineAsync($"Wrote {path} ({seconds.ToString("0.##", CultureInfo.InvariantCulture)} s, 24 kHz mono PCM16).").ConfigureAwait(false);
        return 0;
    }

    private static async Task<int> TranscribeAsync(FileInfo input, FileInfo? outputFile, bool fast, bool forceSimulator, CommandLineConsole console, CancellationToken cancellationToken)
    {
        TextWriter stdout = console.Out;
        TextWriter stderr = console.Error;
        using Pcm16MonoStream pcm = WavAudio.OpenPcm16Mono24k(input.FullName);
        CheckWritable(outputFile, "--output");
        OpenAIClientOptions options = ToolEnvironment.ReadOptions(console.GetVariable);
        await using RealtimeBackend backend = await RealtimeBackend.StartAsync(options, forceSimulator, stderr, cancellationToken).ConfigureAwait(false);
        await using RealtimeTranscriptionSession session = await backend.ConnectAsync(c => c.ConnectTranscriptionAsync(null, cancellationToken)).ConfigureAwait(false);
        await session.UpdateSessionAsync(
            new RealtimeTranscriptionSessionConfig
            {
                Audio = new RealtimeTranscriptionSessionAudio
                {
                    Input = new RealtimeTranscriptionSessionAudioInput
                    {
                        Format = Pcm24k(),
                        Transcription = new AudioTranscription { Model = AudioTranscriptionModel.GptRealtimeWhisper },
                        TurnDetection = null,
                    },
                },
            },
            cancellationToken).ConfigureAwait(false);

        Task printer = PrintAsync(session.ReadEventsAsync(cancellationToken), stdout, stderr, static e =>
            e.Kind switch
            {
                RealtimeServerEventKind.ConversationItemInputAudioTranscriptionDelta => (e.AsConversationItemInputAudioTranscriptionDelta().Delta, false),
                RealtimeServerEventKind.ConversationItemInputAudioTranscriptionCompleted => (null, true),
                _ => (null, false),
            });
        await SendAsync(session, pcm, fast, stderr, cancellationToken).ConfigureAwait(false);
        RealtimeTranscript completed =
            await WithTimeout(session.CommitAndWaitAsync(cancellationToken), "the transcript").ConfigureAwait(false);
        await WithTimeout(printer, "the transcript").ConfigureAwait(false);
        await stdout.WriteLineAsync().ConfigureAwait(false);
        if (outputFile is not null)
        {
            await File.WriteAllTextAsync(outputFile.FullName, completed.Text + Environment.NewLine, cancellationToken).ConfigureAwait(false);
            await stderr.WriteLineAsync($"Wrote the transcript to {outputFile.FullName}.").ConfigureAwait(false);
        }

        return 0;
    }

    private static async Task<int> TranslateAsync(FileInfo input, FileInfo outputFile, string language, string model, FileInfo? transcriptFile, bool fast, bool forceSimulator, CommandLineConsole console, CancellationToken cancellationToken)
    {
        TextWriter stdout = console.Out;
        TextWriter stderr = console.Error;
        using Pcm16MonoStream pcm = WavAudio.OpenPcm16Mono24k(input.FullName);
        CheckWritable(outputFile, "--output");
        CheckWritable(transcriptFile, "--transcript");
        OpenAIClientOptions clientOptions = ToolEnvironment.ReadOptions(console.GetVariable);
        await using RealtimeBackend backend = await RealtimeBackend.StartAsync(clientOptions, forceSimulator, stderr, cancellationToken).ConfigureAwait(false);
        using var translated = new MemoryStream();
        var options = new RealtimeSessionOptions { AudioSink = pcm16 => translated.Write(pcm16) };
        await using RealtimeTranslationSession session = await backend.ConnectAsync(c => c.ConnectTranslationAsync(model, options, cancellationToken)).ConfigureAwait(false);
        await session.SetLanguageAsync(language, cancellationToken).ConfigureAwait(false);

        using var stopPrinting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var activity = new ActivityClock();
        Task printer = PrintTranslationAsync(session.ReadEventsAsync(stopPrinting.Token), stdout, stderr, activity);
        await SendAsync(session, pcm, fast, stderr, cancellationToken).ConfigureAwait(false);
        bool closed;
        try
        {
            await session.CloseAsync(cancellationToken).ConfigureAwait(false);
            closed = session.OutputFlushed;
        }
        catch (RealtimeErrorException ex)
        {
            // session.close is in the spec but not in the guides: a server that rejects it still streams the
            // remaining translation, so wait until the output goes quiet.
            await stderr.WriteLineAsync($"The server rejected session.close ({ex.Code ?? ex.ErrorType}); waiting for the output to go quiet...").ConfigureAwait(false);
            await activity.WaitForQuietAsync(TimeSpan.FromSeconds(3), s_answerTimeout, cancellationToken).ConfigureAwait(false);
            await stopPrinting.CancelAsync().ConfigureAwait(false);
            closed = true;
        }

        if (!closed)
        {
            throw new TimeoutException("The server did not confirm session.closed in time.");
        }

        try
        {
            await WithTimeout(printer, "the end of the translation").ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopPrinting.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
        }

        await stdout.WriteLineAsync().ConfigureAwait(false);
        await session.DisposeAsync().ConfigureAwait(false); // the receive loop (and its audio sink) has stopped
        WavAudio.WritePcm16Mono(outputFile.FullName, translated.GetBuffer().AsSpan(0, (int)translated.Length), RealtimeAudio.SampleRate);
        await stderr.WriteLineAsync($"Wrote {Seconds(translated.Length)} s of translated audio to {outputFile.FullName}.").ConfigureAwait(false);
        if (transcriptFile is not null)
        {
            await File.WriteAllTextAsync(transcriptFile.FullName, session.OutputTranscript + Environment.NewLine, cancellationToken).ConfigureAwait(false);
        }

        return 0;
    }

    private static async Task<int> TalkAsync(FileInfo input, FileInfo outputFile, string model, string voice, string? instructions, FileInfo? transcriptFile, bool fast, bool forceSimulator, CommandLineConsole console, CancellationToken cancellationToken)
    {
        TextWriter stdout = console.Out;
        TextWriter stderr = console.Error;
        using Pcm16MonoStream pcm = WavAudio.OpenPcm16Mono24k(input.FullName);
        CheckWritable(outputFile, "--output");
        CheckWritable(transcriptFile, "--transcript");
        OpenAIClientOptions clientOptions = ToolEnvironment.ReadOptions(console.GetVariable);
        await using RealtimeBackend backend = await RealtimeBackend.StartAsync(clientOptions, forceSimulator, stderr, cancellationToken).ConfigureAwait(false);
        using var answer = new MemoryStream();
        var options = new RealtimeSessionOptions { AudioSink = pcm16 => answer.Write(pcm16) };
        await using RealtimeVoiceSession session = await backend.ConnectAsync(c => c.ConnectVoiceAgentAsync(model, options, cancellationToken)).ConfigureAwait(false);
        await session.UpdateSessionAsync(
            new RealtimeSessionConfig
            {
                OutputModalities = [RealtimeSessionOutputModality.Audio],
                Instructions = instructions,
                Audio = new RealtimeSessionAudio
                {
                    Input = new RealtimeSessionAudioInput { Format = Pcm24k(), TurnDetection = null },
                    Output = new RealtimeSessionAudioOutput { Format = Pcm24k(), Voice = new VoiceId(voice) },
                },
            },
            cancellationToken).ConfigureAwait(false);

        Task printer = PrintAsync(session.ReadEventsAsync(cancellationToken), stdout, stderr, static e =>
            e.Kind switch
            {
                RealtimeServerEventKind.ResponseOutputAudioTranscriptDelta => (e.AsResponseOutputAudioTranscriptDelta().Delta, false),
                RealtimeServerEventKind.ResponseDone => (null, true),
                _ => (null, false),
            });
        await SendAsync(session, pcm, fast, stderr, cancellationToken).ConfigureAwait(false);
        await session.CommitAudioAsync(cancellationToken).ConfigureAwait(false);
        await session.CreateResponseAsync(null, cancellationToken).ConfigureAwait(false);
        await WithTimeout(printer, "the answer").ConfigureAwait(false);
        await stdout.WriteLineAsync().ConfigureAwait(false);
        if (session.Errors.Count > 0)
        {
            throw session.Errors[0];
        }

        await session.DisposeAsync().ConfigureAwait(false); // the receive loop (and its audio sink) has stopped
        WavAudio.WritePcm16Mono(outputFile.FullName, answer.GetBuffer().AsSpan(0, (int)answer.Length), RealtimeAudio.SampleRate);
        await stderr.WriteLineAsync($"Wrote {Seconds(answer.Length)} s of spoken answer to {outputFile.FullName}.").ConfigureAwait(false);
        if (transcriptFile is not null)
        {
            await File.WriteAllTextAsync(transcriptFile.FullName, session.OutputTranscripts.GetFullText() + Environment.NewLine, cancellationToken).ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary>
    /// Finds out before anything is read or sent that <paramref name="file"/> can be written (its folder is created,
    /// as the writers do; an existing file is opened without truncating it, a new one is created and removed).
    /// </summary>
    internal static void CheckWritable(FileInfo? file, string option)
    {
        if (file is null)
        {
            return;
        }

        try
        {
            if (file.Directory is { } directory)
            {
                Directory.CreateDirectory(directory.FullName);
            }

            using FileStream probe = File.Exists(file.FullName)
                ? new FileStream(file.FullName, FileMode.Open, FileAccess.Write, FileShare.ReadWrite)
                : new FileStream(file.FullName, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new UsageException($"cannot write {option} {file.FullName}: {ex.Message}", ex);
        }
    }

    private static async Task SendAsync<T>(RealtimeSession<T> session, Pcm16MonoStream pcm, bool fast, TextWriter stderr, CancellationToken cancellationToken)
        where T : class, IJsonModel<T>
    {
        long expected = pcm.OutputLength ?? -1; // -1: a WAV from a streaming writer does not say how long it is
        string total = expected >= 0 ? Seconds(expected) : "?";
        await stderr.WriteLineAsync($"Streaming {total} s of audio{(fast ? " (--fast)" : " in real time")}...").ConfigureAwait(false);
        long reportedSecond = 0;
        var progress = new SynchronousProgress(sent =>
        {
            long second = sent / RealtimeAudio.BytesPerSecond;
            if (second > reportedSecond || sent == expected)
            {
                reportedSecond = second;
                stderr.WriteLine($"  sent {Seconds(sent)} / {total} s");
            }
        });
        await session.SendAudioAsync(pcm, new RealtimeAudioStreamOptions { PaceInRealTime = !fast, Progress = progress }, cancellationToken).ConfigureAwait(false);
        if (pcm.Position != expected)
        {
            // A WAV that did not give its length: report the true end.
            await stderr.WriteLineAsync($"  sent {Seconds(pcm.Position)} / {Seconds(pcm.Position)} s").ConfigureAwait(false);
        }
    }

    private static async Task PrintAsync(IAsyncEnumerable<RealtimeServerEvent> events, TextWriter stdout, TextWriter stderr, Func<RealtimeServerEvent, (string? Text, bool Done)> select)
    {
        await foreach (RealtimeServerEvent e in events.ConfigureAwait(false))
        {
            if (e.IsError)
            {
                await stderr.WriteLineAsync("server error: " + e.AsError().Error.Message).ConfigureAwait(false);
                continue;
            }

            (string? text, bool done) = select(e);
            if (text is not null)
            {
                await stdout.WriteAsync(text).ConfigureAwait(false);
                await stdout.FlushAsync().ConfigureAwait(false);
            }

            if (done)
            {
                return;
            }
        }
    }

    private static async Task PrintTranslationAsync(IAsyncEnumerable<RealtimeTranslationServerEvent> events, TextWriter stdout, TextWriter stderr, ActivityClock activity)
    {
        await foreach (RealtimeTranslationServerEvent e in events.ConfigureAwait(false))
        {
            activity.Touch();
            switch (e.Kind)
            {
                case RealtimeTranslationServerEventKind.Error:
                    await stderr.WriteLineAsync("server error: " + e.AsError().Error.Message).ConfigureAwait(false);
                    break;
                case RealtimeTranslationServerEventKind.SessionOutputTranscriptDelta:
                    await stdout.WriteAsync(e.AsSessionOutputTranscriptDelta().Delta).ConfigureAwait(false);
                    await stdout.FlushAsync().ConfigureAwait(false);
                    break;
                case RealtimeTranslationServerEventKind.SessionClosed:
                    return;
            }
        }
    }

    private static async Task<T> WithTimeout<T>(Task<T> task, string what)
    {
        try
        {
            return await task.WaitAsync(s_answerTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Timed out after {s_answerTimeout.TotalSeconds:0} s waiting for {what}.");
        }
    }

    private static async Task WithTimeout(Task task, string what)
    {
        try
        {
            await task.WaitAsync(s_answerTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Timed out after {s_answerTimeout.TotalSeconds:0} s waiting for {what}.");
        }
    }

    private static RealtimeAudioFormats Pcm24k() => new PcmAudioFormat { Rate = RealtimeAudio.SampleRate };

    private static string Seconds(long pcmBytes) => (pcmBytes / (double)RealtimeAudio.BytesPerSecond).ToString("0.0", CultureInfo.InvariantCulture);

    private sealed class ActivityClock
    {
        private long _last = Environment.TickCount64;

        public void Touch() => Volatile.Write(ref _last, Environment.TickCount64);

        public async Task WaitForQuietAsync(TimeSpan quiet, TimeSpan limit, CancellationToken cancellationToken)
        {
            long deadline = Environment.TickCount64 + (long)limit.TotalMilliseconds;
            while (Environment.TickCount64 - Volatile.Read(ref _last) < quiet.TotalMilliseconds && Environment.TickCount64 < deadline)
            {
                await Task.Delay(250, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private sealed class SynchronousProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
