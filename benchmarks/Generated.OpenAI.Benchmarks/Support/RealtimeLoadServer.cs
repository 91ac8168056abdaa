using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.WebSockets;

namespace Generated.OpenAI.Benchmarks.Support;

/// <summary>
/// The WebSocket server of <c>Perf_RealtimeLoopback</c>, <c>Perf_RealtimeSessions</c> and <c>Perf_MeaiRealtime</c>, run
/// in a separate process (<c>Generated.OpenAI.Benchmarks --server</c>) so that its CPU time and allocations are not the
/// client's. One listener per behaviour, on 127.0.0.1 ephemeral ports, printed as one line <c>PORTS name=port ...</c>:
/// <list type="bullet">
/// <item><c>sink</c>: answers the upgrade, then reads and discards every byte (no frame parsing).</item>
/// <item><c>flood960</c>, <c>flood4800</c>: also sends prebuilt <c>response.output_audio.delta</c> frames of 20 ms / 100 ms
/// of PCM16 back to back, as fast as the socket takes them (TCP backpressure paces it).</item>
/// <item><c>request960</c>, <c>request4800</c>: sends <see cref="FramesPerRequest"/> prebuilt delta frames (20 ms / 100 ms)
/// for each text message the client sends (whatever it says), and nothing else: the client decides how much arrives, so
/// that a reader on another thread than the benchmark's (a session's receive loop) gets the same stream as one on it,
/// without the stop and restart of a flood that the reader paused.</item>
/// <item><c>paced960</c>: also sends one 20 ms delta frame every 20 ms per connection, the connections' frames spread
/// evenly over each 20 ms (one thread for all connections, <see cref="PacedSender"/>), each stamped with the time just
/// before it is written to the socket (<see cref="DeliveryStamp"/>), so that the client can measure delivery latency.</item>
/// </list>
/// Every connection discards what the client sends. The process exits when its standard input closes. The
/// <c>PORTS</c> line ends with <c>clock=</c> and the server's <see cref="Stopwatch.GetTimestamp"/>, from which
/// <see cref="Start"/> checks that the two processes' stamps are on one clock.
/// </summary>
internal static class RealtimeLoadServer
{
    private const int MaxRequestHeaderBytes = 8 * 1024;

    /// <summary>How many delta frames a <c>request</c> listener sends per text message from the client.</summary>
    public const int FramesPerRequest = 100;

    public static int Run()
    {
        var listeners = new Dictionary<string, TcpListener>
        {
            ["sink"] = new(IPAddress.Loopback, 0),
            ["flood960"] = new(IPAddress.Loopback, 0),
            ["flood4800"] = new(IPAddress.Loopback, 0),
            ["request960"] = new(IPAddress.Loopback, 0),
            ["request4800"] = new(IPAddress.Loopback, 0),
            ["paced960"] = new(IPAddress.Loopback, 0),
        };
        var paced = new PacedSender(AudioSamples.CreateServerTextFrame(AudioSamples.CreateOutputAudioDelta(AudioSamples.CreatePcm(AudioSamples.Pcm20Ms))));
        var line = new StringBuilder("PORTS");
        foreach ((string name, TcpListener listener) in listeners)
        {
            listener.Start(backlog: 2048);
            line.Append(' ').Append(name).Append('=').Append(((IPEndPoint)listener.LocalEndpoint).Port);
            byte[]? frame = name switch
            {
                "flood960" or "request960" => AudioSamples.CreateServerTextFrame(AudioSamples.CreateOutputAudioDelta(AudioSamples.CreatePcm(AudioSamples.Pcm20Ms))),
                "flood4800" or "request4800" => AudioSamples.CreateServerTextFrame(AudioSamples.CreateOutputAudioDelta(AudioSamples.CreatePcm(AudioSamples.Pcm100Ms))),
                _ => null,
            };
            bool onRequest = name.StartsWith("request", StringComparison.Ordinal);
            _ = AcceptAsync(listener, onRequest ? null : frame, onRequest ? Repeat(frame!, FramesPerRequest) : null, name == "paced960" ? paced : null);
        }

        line.Append(" clock=").Append(Stopwatch.GetTimestamp().ToString(System.Globalization.CultureInfo.InvariantCulture));
        Console.Out.WriteLine(line.ToString());
        Console.Out.Flush();
        paced.Start();

        // The parent closes our standard input (or dies): stop.
        Console.In.ReadToEnd();
        return 0;
    }

    /// <summary>Starts the server process from the benchmark assembly and reads its ports.</summary>
    public static ServerProcess Start()
    {
        string assembly = typeof(RealtimeLoadServer).Assembly.Location;
        var info = new ProcessStartInfo(Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("exec");
        info.ArgumentList.Add("--runtimeconfig");
        info.ArgumentList.Add(Path.ChangeExtension(assembly, ".runtimeconfig.json"));
        info.ArgumentList.Add(assembly);
        info.ArgumentList.Add("--server");
        info.Environment["DOTNET_gcServer"] = "0";
        long before = Stopwatch.GetTimestamp();
        Process process = Process.Start(info) ?? throw new IOException("The benchmark server did not start.");
        string? ports = process.StandardOutput.ReadLine();
        long after = Stopwatch.GetTimestamp();
        if (ports is null || !ports.StartsWith("PORTS ", StringComparison.Ordinal))
        {
            process.Kill();
            throw new IOException($"The benchmark server did not report its ports: '{ports}'.");
        }

        var map = new Dictionary<string, int>();
        long serverClock = long.MinValue;
        foreach (string pair in ports.Substring(6).Split(' '))
        {
            string[] parts = pair.Split('=');
            if (parts[0] == "clock")
            {
                serverClock = long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
            }
            else
            {
                map[parts[0]] = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        // Stopwatch.GetTimestamp is clock_gettime(CLOCK_MONOTONIC) on Linux (nanoseconds, one clock for every process of
        // the machine). Verified on the 2-core benchmark VM (2026-12-07): the server's clock= value fell between
        // CLOCK_MONOTONIC readings taken by another process (Python's time.clock_gettime_ns) before starting the server
        // and after reading its line, and outside the CLOCK_MONOTONIC_RAW readings. Checked again on every run: the
        // server's stamp, taken after it started and before it printed, must fall between ours. A machine where it does
        // not (another OS, another clock) reports no latency rather than a wrong one.
        LatencyHistogram.IsComparableAcrossProcesses = before <= serverClock && serverClock <= after;
        if (!LatencyHistogram.IsComparableAcrossProcesses)
        {
            Console.WriteLine($"// The benchmark server's Stopwatch stamp {serverClock} is not between the client's {before} and {after}: latency is not reported.");
        }

        return new ServerProcess(process, map);
    }

    private static async Task AcceptAsync(TcpListener listener, byte[]? flood, byte[]? perRequest, PacedSender? paced)
    {
        while (true)
        {
            Socket socket = await listener.AcceptSocketAsync().ConfigureAwait(false);
            socket.NoDelay = true;
            _ = ServeAsync(socket, flood, perRequest, paced);
        }
    }

    private static byte[] Repeat(byte[] frame, int count)
    {
        byte[] frames = new byte[frame.Length * count];
        for (int i = 0; i < count; i++)
        {
            frame.CopyTo(frames, i * frame.Length);
        }

        return frames;
    }

    private static async Task ServeAsync(Socket socket, byte[]? flood, byte[]? perRequest, PacedSender? paced)
    {
        byte[] buffer = new byte[64 * 1024];
        try
        {
            int length = 0;
            int end;
            while ((end = buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8)) < 0)
            {
                if (length >= MaxRequestHeaderBytes)
                {
                    return;
                }

                int read = await socket.ReceiveAsync(buffer.AsMemory(length, MaxRequestHeaderBytes - length), SocketFlags.None).ConfigureAwait(false);
                if (read == 0)
                {
                    return;
                }

                length += read;
            }

            string key = FindHeader(Encoding.ASCII.GetString(buffer, 0, end), "Sec-WebSocket-Key") ?? "";
            byte[] response = Encoding.ASCII.GetBytes(
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
                + WebSocketHandshake.ComputeAccept(key) + "\r\n\r\n");
            await socket.SendAsync(response, SocketFlags.None).ConfigureAwait(false);

            if (flood is not null)
            {
                _ = FloodAsync(socket, flood);
            }

            if (perRequest is not null)
            {
                // The client sends its first message only after our 101, so nothing of it was read with the header.
                await AnswerRequestsAsync(socket, buffer, perRequest).ConfigureAwait(false);
                return;
            }

            paced?.Add(socket);
            while (await socket.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false) > 0)
            {
            }
        }
        catch (Exception)
        {
            // The client went away.
        }
        finally
        {
            paced?.Remove(socket);
            socket.Dispose();
        }
    }

    /// <summary>
    /// Reads the client's frames (RFC 6455 section 5.2: only their lengths are needed, the payload is skipped, masked or
    /// not) and answers each final text frame with <paramref name="frames"/>, sent in full before the next is read.
    /// Control frames (a keep-alive ping) and other data frames get nothing.
    /// </summary>
    private static async Task AnswerRequestsAsync(Socket socket, byte[] buffer, byte[] frames)
    {
        int count = 0;
        long skip = 0;
        while (true)
        {
            int read = await socket.ReceiveAsync(buffer.AsMemory(count), SocketFlags.None).ConfigureAwait(false);
            if (read == 0)
            {
                return;
            }

            count += read;
            int offset = 0;
            while (true)
            {
                if (skip > 0)
                {
                    int skipped = (int)Math.Min(skip, count - offset);
                    offset += skipped;
                    skip -= skipped;
                    if (skip > 0)
                    {
                        break;
                    }
                }

                if (!TryReadFrameHeader(buffer.AsSpan(offset, count - offset), out int headerLength, out long payloadLength, out bool isRequest))
                {
                    break;
                }

                offset += headerLength;
                skip = payloadLength;
                if (isRequest)
                {
                    ReadOnlyMemory<byte> remaining = frames;
                    while (!remaining.IsEmpty)
                    {
                        remaining = remaining.Slice(await socket.SendAsync(remaining, SocketFlags.None).ConfigureAwait(false));
                    }
                }
            }

            buffer.AsSpan(offset, count - offset).CopyTo(buffer);
            count -= offset;
        }
    }

    /// <summary>The length of a client frame's header (the mask key included) and of its payload; whether it is a final text frame.</summary>
    private static bool TryReadFrameHeader(ReadOnlySpan<byte> bytes, out int headerLength, out long payloadLength, out bool isFinalText)
    {
        headerLength = 0;
        payloadLength = 0;
        isFinalText = false;
        if (bytes.Length < 2)
        {
            return false;
        }

        int length7 = bytes[1] & 0x7F;
        int lengthBytes = length7 switch { 126 => 2, 127 => 8, _ => 0 };
        int maskBytes = (bytes[1] & 0x80) != 0 ? 4 : 0;
        if (bytes.Length < 2 + lengthBytes + maskBytes)
        {
            return false;
        }

        payloadLength = lengthBytes switch
        {
            2 => System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(bytes.Slice(2)),
            8 => (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes.Slice(2)),
            _ => length7,
        };
        headerLength = 2 + lengthBytes + maskBytes;
        isFinalText = bytes[0] == 0x81; // FIN + opcode 1 (text)
        return true;
    }

    private static async Task FloodAsync(Socket socket, byte[] frame)
    {
        // Several frames per send, so that the server is never the bottleneck of a receive benchmark.
        int count = Math.Max(1, (64 * 1024) / frame.Length);
        byte[] batch = new byte[frame.Length * count];
        for (int i = 0; i < count; i++)
        {
            frame.CopyTo(batch, i * frame.Length);
        }

        try
        {
            while (true)
            {
                await socket.SendAsync(batch, SocketFlags.None).ConfigureAwait(false);
            }
        }
        catch (Exception)
        {
            // The client went away.
        }
    }

    private static string? FindHeader(string headers, string name)
    {
        foreach (string line in headers.Split("\r\n"))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line.AsSpan(0, colon).Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return line.Substring(colon + 1).Trim();
            }
        }

        return null;
    }

    /// <summary>
    /// One thread sends every connection one delta frame per 20 ms tick, spread over the tick: with N connections,
    /// connection k's frame is due at k × 20 ms / N into each tick (a connection's place is its position in the list,
    /// which changes only when connections come or go, between the benchmark's windows). So the client receives a
    /// steady stream, one delta every 20 ms / N, as it would from N sessions that are not in phase, and a delivery
    /// latency measured on it is the client's, not the time to drain a burst of N (the earlier server sent all N at
    /// once per tick, and the p99 at 1,000 sessions was that drain). The rate, the frames and their bytes are as before:
    /// every connection, every 20 ms.
    /// </summary>
    /// <remarks>
    /// Timing: <see cref="Stopwatch"/> timestamps and, until a slot, a sleep: on Linux <c>nanosleep</c> with the thread's
    /// timer slack set to 1 µs (<c>prctl(PR_SET_TIMERSLACK)</c>; the default 50 µs would be more than two slots at
    /// 1,000 connections), elsewhere <see cref="Thread.Sleep(int)"/> (then the frames due within one sleep's granularity,
    /// a millisecond or more, go together). A frame due within <see cref="SendEarlyWithin"/> (100 µs) is sent without sleeping: on the 2-core VM a
    /// <c>nanosleep</c> cost 13 µs of CPU and woke 25 to 40 µs late (measured under load), so at 1,000 connections (a slot
    /// every 20 µs) a sleep per slot would cost more than half a core and could not keep the pace; instead the thread
    /// sends the next few frames, up to 100 µs early, and sleeps once per about 100 µs: groups of up to about eight
    /// frames, never N. No spinning: on 2 cores a spinning server would take the client's CPU. Each frame is stamped
    /// just before its send (<see cref="DeliveryStamp"/>), so the stamp is always the send time, never the slot. A
    /// tick the thread falls a whole tick behind on is dropped, as the timer of the earlier server dropped missed ticks:
    /// the client's <c>events/s</c> shows it. Each connection has its own copy of the frame, stamped only when its
    /// previous send has completed (waited for at the connection's next slot in the rare case that it is still pending:
    /// a client not reading).
    /// </remarks>
    private sealed class PacedSender(byte[] frame)
    {
        private const int FramesPerSecond = 50;

        /// <summary>A frame due within this is sent now rather than slept for (100 µs, in <see cref="Stopwatch"/> ticks).</summary>
        private static readonly long SendEarlyWithin = Stopwatch.Frequency / 10_000;

        /// <summary>
        /// <c>GENERATED_OPENAI_BENCH_PACED_IN_PHASE=1</c> (set for the client, whose server process inherits it): every
        /// connection's frame at the start of the tick, one burst of N per 20 ms, as this server sent them before it
        /// spread them (the runs of 2026-12-07 up to run 3), to compare the CPU columns with earlier runs. Not for
        /// latency: its p99 is the burst's drain.
        /// </summary>
        private static readonly bool s_inPhase = Environment.GetEnvironmentVariable("GENERATED_OPENAI_BENCH_PACED_IN_PHASE") == "1";

        private readonly List<PacedConnection> _connections = new();
        private readonly int _stampOffset = DeliveryStamp.FindIn(frame);
        private int _version;

        public void Add(Socket socket)
        {
            lock (_connections)
            {
                _connections.Add(new PacedConnection(socket, (byte[])frame.Clone()));
                _version++;
            }
        }

        public void Remove(Socket socket)
        {
            lock (_connections)
            {
                _connections.RemoveAll(c => c.Socket == socket);
                _version++;
            }
        }

        public void Start() => new Thread(Run) { IsBackground = true, Name = "paced sender" }.Start();

        private void Run()
        {
            if (OperatingSystem.IsLinux())
            {
                // PR_SET_TIMERSLACK (29), in nanoseconds, for this thread: nanosleep then wakes within a few microseconds.
                _ = Prctl(29, 1000, 0, 0, 0);
            }

            long period = Stopwatch.Frequency / FramesPerSecond;
            PacedConnection[] snapshot = [];
            int version = -1;
            long tick = Stopwatch.GetTimestamp();
            while (true)
            {
                lock (_connections)
                {
                    if (version != _version)
                    {
                        snapshot = _connections.ToArray();
                        version = _version;
                    }
                }

                if (snapshot.Length == 0)
                {
                    Thread.Sleep(1);
                    tick = Stopwatch.GetTimestamp();
                    continue;
                }

                for (int k = 0; k < snapshot.Length; k++)
                {
                    WaitUntil(s_inPhase ? tick : tick + (period * k / snapshot.Length));
                    snapshot[k].Send(_stampOffset);
                }

                // The next tick; one the thread is a whole tick late for is dropped.
                tick += period;
                long now = Stopwatch.GetTimestamp();
                if (now - tick > period)
                {
                    tick = now;
                }
            }
        }

        private static void WaitUntil(long due)
        {
            long remaining;
            while ((remaining = due - Stopwatch.GetTimestamp()) > SendEarlyWithin)
            {
                if (OperatingSystem.IsLinux())
                {
                    long nanoseconds = (long)((double)remaining * 1_000_000_000 / Stopwatch.Frequency);
                    var request = new Timespec { Seconds = nanoseconds / 1_000_000_000, Nanoseconds = nanoseconds % 1_000_000_000 };
                    _ = NanoSleep(in request, IntPtr.Zero);
                }
                else
                {
                    Thread.Sleep(1);
                }
            }
        }

        [StructLayout(LayoutKind.Sequential)]
        private struct Timespec
        {
            public long Seconds;
            public long Nanoseconds;
        }

        [DllImport("libc", EntryPoint = "nanosleep")]
        private static extern int NanoSleep(in Timespec request, IntPtr remaining);

        [DllImport("libc", EntryPoint = "prctl")]
        private static extern int Prctl(int option, nuint argument2, nuint argument3, nuint argument4, nuint argument5);
    }

    /// <summary>A paced connection: its socket, its copy of the frame (stamped before each send) and a send still in flight.</summary>
    private sealed class PacedConnection(Socket socket, byte[] frame)
    {
        private Task? _pending;

        public Socket Socket => socket;

        public void Send(int stampOffset)
        {
            try
            {
                // The previous send must be done before the frame it reads is stamped again.
                if (_pending is not null)
                {
                    _pending.GetAwaiter().GetResult();
                    _pending = null;
                }

                DeliveryStamp.Write(frame.AsSpan(stampOffset));
                ValueTask<int> send = socket.SendAsync(frame.AsMemory(), SocketFlags.None);
                if (send.IsCompletedSuccessfully)
                {
                    _ = send.Result;
                }
                else
                {
                    _pending = send.AsTask();
                }
            }
            catch (Exception)
            {
                // The client went away; its ServeAsync removes it.
                _pending = null;
            }
        }
    }
}

/// <summary>The running server process; disposing closes its standard input and waits for it to exit.</summary>
internal sealed class ServerProcess(Process process, IReadOnlyDictionary<string, int> ports) : IDisposable
{
    public Uri Uri(string name) => new($"ws://127.0.0.1:{ports[name]}/v1/realtime");

    public int Port(string name) => ports[name];

    public void Dispose()
    {
        try
        {
            process.StandardInput.Close();
            if (!process.WaitForExit(5_000))
            {
                process.Kill();
            }
        }
        finally
        {
            process.Dispose();
        }
    }
}
