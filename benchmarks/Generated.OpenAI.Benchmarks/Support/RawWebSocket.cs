using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;
using Generated.OpenAI.WebSockets;

namespace Generated.OpenAI.Benchmarks.Support;

/// <summary>
/// The raw-TCP baselines' side of a WebSocket: a socket that has done the opening handshake by hand and from then on
/// writes prebuilt frames and reads bytes, with no framing code at all (the ceiling the WebSocket clients are
/// measured against).
/// </summary>
internal static class RawWebSocket
{
    /// <summary>Connects to the load server's listener on <paramref name="port"/> and completes the upgrade; the socket is the caller's.</summary>
    public static async Task<Socket> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, port).ConfigureAwait(false);
            string key = WebSocketHandshake.CreateKey();
            byte[] request = Encoding.ASCII.GetBytes(
                $"GET /v1/realtime HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n");
            await socket.SendAsync(request, SocketFlags.None).ConfigureAwait(false);

            // Read the 101 byte by byte, so that no frame byte after it is consumed here.
            byte[] response = new byte[1024];
            int length = 0;
            while (response.AsSpan(0, length).IndexOf("\r\n\r\n"u8) < 0)
            {
                int read = await socket.ReceiveAsync(response.AsMemory(length, 1), SocketFlags.None).ConfigureAwait(false);
                if (read == 0 || (length += read) == response.Length)
                {
                    throw new IOException("The server did not complete the upgrade.");
                }
            }

            if (!Encoding.ASCII.GetString(response, 0, length).StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
            {
                throw new IOException("The server refused the upgrade.");
            }

            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>A complete masked client text frame of <paramref name="json"/>, exactly its length.</summary>
    public static byte[] CreateMaskedFrame(ReadOnlySpan<byte> json)
    {
        byte[] frame = new byte[FrameHeader.MaxHeaderLength + json.Length];
        int length = MaskedFrame.WriteCopy(frame, json, new MaskKeySource().Next());
        Array.Resize(ref frame, length);
        return frame;
    }
}
