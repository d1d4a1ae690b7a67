.class public Lcom/google/android/gms/ads/identifier/zza;
.super Ljava/lang/Object;
.source "zza.java"


# direct methods
.method public constructor <init>()V
    .locals 0

    invoke-direct {p0}, Ljava/lang/Object;-><init>()V

    return-void
.end method

.method public static zza()Ljava/lang/String;
    .locals 1

    const-string v0, "00000000-0000-0000-0000-000000000000"

    return-object v0
.end method
