.class public Lcom/rakufun/shop/AudioNote;
.super Ljava/lang/Object;
.source "AudioNote.java"


# instance fields
.field private recorder:Landroid/media/AudioRecord;


# direct methods
.method public constructor <init>()V
    .locals 0

    invoke-direct {p0}, Ljava/lang/Object;-><init>()V

    return-void
.end method


# virtual methods
.method public start()V
    .locals 6

    new-instance v0, Landroid/media/AudioRecord;

    # MediaRecorder.AudioSource.MIC, 16 kHz, CHANNEL_IN_MONO, ENCODING_PCM_16BIT, 4 KiB buffer
    const/4 v1, 0x1

    const/16 v2, 0x3e80

    const/16 v3, 0x10

    const/4 v4, 0x2

    const/16 v5, 0x1000

    invoke-direct/range {v0 .. v5}, Landroid/media/AudioRecord;-><init>(IIIII)V

    iput-object v0, p0, Lcom/rakufun/shop/AudioNote;->recorder:Landroid/media/AudioRecord;

    invoke-virtual {v0}, Landroid/media/AudioRecord;->startRecording()V

    return-void
.end method
