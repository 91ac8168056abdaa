namespace Generated.OpenAI.WebSockets;

/// <summary>
/// A decoded RFC 6455 base framing header (section 5.2). A plain value: it owns no buffer and says nothing
/// about whether the frame is legal; <see cref="WebSocketFrameParser"/> decodes it and the connection judges it.
/// </summary>
internal readonly struct FrameHeader
{
    /// <summary>The smallest header: two bytes (FIN/RSV/opcode, MASK/7-bit payload length).</summary>
    public const int MinHeaderLength = 2;

    /// <summary>The largest header: 2 + 8 (64-bit extended payload length) + 4 (masking key).</summary>
    public const int MaxHeaderLength = 14;

    /// <summary>The largest payload of a control frame (section 5.5).</summary>
    public const int MaxControlPayloadLength = 125;

    /// <summary>The length of a masking key (section 5.3).</summary>
    public const int MaskLength = 4;

    /// <summary>Creates a header.</summary>
    public FrameHeader(bool fin, byte reservedBits, Opcode opcode, bool mask, int maskKey, ulong payloadLength, int headerLength)
    {
        Fin = fin;
        ReservedBits = reservedBits;
        Opcode = opcode;
        Mask = mask;
        MaskKey = maskKey;
        PayloadLength = payloadLength;
        HeaderLength = headerLength;
    }

    /// <summary>The FIN bit: this is the final fragment of a message.</summary>
    public bool Fin { get; }

    /// <summary>RSV1, RSV2 and RSV3 as the low three bits (RSV1 = 0b100). Non-zero only with a negotiated extension.</summary>
    public byte ReservedBits { get; }

    /// <summary>The opcode, as sent (it may be a reserved value).</summary>
    public Opcode Opcode { get; }

    /// <summary>The MASK bit. A server must never set it (section 5.1).</summary>
    public bool Mask { get; }

    /// <summary>The masking key as the four wire bytes read in memory order; 0 when <see cref="Mask"/> is clear.</summary>
    public int MaskKey { get; }

    /// <summary>The payload length from the 7-, 16- or 64-bit length field.</summary>
    public ulong PayloadLength { get; }

    /// <summary>How many bytes the header occupied on the wire (2 to 14).</summary>
    public int HeaderLength { get; }

    /// <summary>True for close, ping and pong (opcodes with the high bit set).</summary>
    public bool IsControlFrame => ((byte)Opcode & 0x8) != 0;
}
