.class public Lcom/tencent/bugly/proguard/b;
.super Ljava/lang/Object;
.source "b.java"


# direct methods
.method public constructor <init>()V
    .locals 0

    invoke-direct {p0}, Ljava/lang/Object;-><init>()V

    return-void
.end method

.method public static a()Ljava/lang/String;
    .locals 1

    const-string v0, "4.1.9"

    return-object v0
.end method
