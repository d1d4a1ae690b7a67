.class public final Lcom/stripe/android/model/ConfirmPaymentIntentParams;
.super Ljava/lang/Object;
.source "ConfirmPaymentIntentParams.kt"


# instance fields
.field private final clientSecret:Ljava/lang/String;


# direct methods
.method public constructor <init>(Ljava/lang/String;)V
    .locals 0

    invoke-direct {p0}, Ljava/lang/Object;-><init>()V

    iput-object p1, p0, Lcom/stripe/android/model/ConfirmPaymentIntentParams;->clientSecret:Ljava/lang/String;

    return-void
.end method

.method public static create(Ljava/lang/String;)Lcom/stripe/android/model/ConfirmPaymentIntentParams;
    .locals 1

    new-instance v0, Lcom/stripe/android/model/ConfirmPaymentIntentParams;

    invoke-direct {v0, p0}, Lcom/stripe/android/model/ConfirmPaymentIntentParams;-><init>(Ljava/lang/String;)V

    return-object v0
.end method
