# shellcheck shell=bash
# lib-image.sh: what make-iso.sh and make-img.sh share. Sourced, not run.
#
# It parses the options common to both and stages the tree that goes on the
# boot medium (the ISO, or the FAT32 partition of the disk image):
#   /boot/kernel.elf              the kernel          (--kernel, --no-kernel)
#   /boot/rastboot.conf           rastboot's config   (--config, --no-config)
#   /boot/limine/limine.conf      the real Limine's   (--limine-config), made
#                                 from the same settings as rastboot.conf
#   /boot/initramfs.cpio          module "initramfs"  (--initrd)
#   /boot/modules/<basename>      further modules     (--module)
#   anything else                                     (--extra)
# and the Limine binaries the medium needs (image_stage_limine).
#
# Which loader boots a medium: on BIOS, rastboot (the default) or the real
# Limine (--loader limine); on UEFI always the real Limine, whose binary
# release is looked for in $LIMINE_DIR (default: ../shared/limine next to
# the repository). Without it a rastboot medium is made for BIOS only, with
# a warning, and a Limine medium is refused.
#
# Common options (the sourcing script adds its own through image_extra_option):
#   -o OUT                  output file
#   --kernel FILE           kernel ELF (default $BUILD/kernel/kernel.elf)
#   --initrd FILE.cpio      initramfs, module /boot/initramfs.cpio "initramfs"
#   --module FILE[:CMDLINE] module /boot/modules/<basename> (repeatable)
#   --cmdline "..."         kernel command line (default empty; with
#                           RASTOS_DEBUG=1 in the environment, as in make
#                           test, "lockdep slub_debug" goes first)
#   --kaslr on|off          (default on)
#   --paging 4|5            highest paging level allowed (default 5)
#   --resolution WxH|text   (default 1280x800)
#   --loader rastboot|limine  what boots the medium on BIOS (default rastboot)
#   --config FILE           use FILE verbatim as rastboot.conf
#   --no-config             put no rastboot.conf on the medium
#   --limine-config FILE    use FILE verbatim as limine.conf
#   --no-kernel             put no kernel on the medium
#   --extra SRC:DEST        copy SRC to DEST (a path like /boot/x) on the medium
#                           (repeatable); done last, so it may also replace a
#                           file staged above
# Options also accept the --opt=VALUE form.
#
# Protocol with the sourcing script: set IMAGE_NAME (for messages) and
# IMAGE_USAGE (its usage text) before sourcing, image_out (the default
# output) before image_parse_args; define image_extra_option to take options
# of its own: it gets the remaining arguments and sets image_shift to how
# many it consumed (left 0: not its option). Then image_make_tmp and
# image_stage DIR; files put in image_cleanup are removed on exit.
# Exit status of the scripts: 0 done, 1 failure, 2 usage error.
#
# Build products are looked for in $BUILD (default: build/ in the repository).

IMAGE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$IMAGE_ROOT/build}
LIMINE_DIR=${LIMINE_DIR:-$IMAGE_ROOT/../shared/limine}

image_kernel=$BUILD/kernel/kernel.elf
image_initrd=
image_modules=() # FILE or FILE:CMDLINE
image_cmdline=
image_kaslr=on
image_paging=5
image_resolution=1280x800
image_config=
image_no_config=0
image_loader=rastboot
image_limine_config=
image_no_kernel=0
image_extras=() # SRC:DEST
image_shift=0
image_tmp=
image_cleanup=() # paths removed on exit

image_die() {
    echo "$IMAGE_NAME: $*" >&2
    exit 1
}

image_usage_error() {
    echo "$IMAGE_NAME: $*" >&2
    echo "$IMAGE_USAGE" >&2
    exit 2
}

# image_need_file WHAT FILE: fail unless FILE is a readable regular file.
image_need_file() {
    [[ -f $2 && -r $2 ]] || image_die "$1 '$2' not found"
}

# image_parse_args "$@": fill the image_* variables from the command line.
image_parse_args() {
    local opt val
    while [ $# -gt 0 ]; do
        opt=$1
        shift
        # --opt=VALUE: split it and go round again with two words.
        if [[ $opt == --*=* ]]; then
            set -- "${opt%%=*}" "${opt#*=}" "$@"
            continue
        fi
        case $opt in
        -h | --help)
            echo "$IMAGE_USAGE"
            exit 0
            ;;
        --no-config) image_no_config=1 && continue ;;
        --no-kernel) image_no_kernel=1 && continue ;;
        -o | --kernel | --initrd | --module | --cmdline | --kaslr | --paging | \
            --resolution | --config | --extra | --loader | --limine-config)
            [ $# -gt 0 ] || image_usage_error "option $opt needs a value"
            val=$1
            shift
            ;;
        *)
            image_shift=0
            if declare -F image_extra_option >/dev/null; then
                image_extra_option "$opt" "$@"
            fi
            [ "$image_shift" -gt 0 ] || image_usage_error "unknown argument '$opt'"
            shift $((image_shift - 1))
            continue
            ;;
        esac
        case $opt in
        -o) image_out=$val ;;
        --kernel) image_kernel=$val ;;
        --initrd) image_initrd=$val ;;
        --module) image_modules+=("$val") ;;
        --cmdline) image_cmdline=$val ;;
        --kaslr) image_kaslr=$val ;;
        --paging) image_paging=$val ;;
        --resolution) image_resolution=$val ;;
        --config) image_config=$val ;;
        --extra) image_extras+=("$val") ;;
        --loader) image_loader=$val ;;
        --limine-config) image_limine_config=$val ;;
        esac
    done
    image_check_args
}

# image_check_args: validate values and that every input file exists.
image_check_args() {
    local m e nl=$'\n'
    [ -n "$image_out" ] || image_usage_error "-o OUT must not be empty"
    [[ $image_kaslr == on || $image_kaslr == off ]] ||
        image_usage_error "--kaslr takes on or off, not '$image_kaslr'"
    [[ $image_paging == 4 || $image_paging == 5 ]] ||
        image_usage_error "--paging takes 4 or 5, not '$image_paging'"
    [[ $image_resolution =~ ^([1-9][0-9]*x[1-9][0-9]*|text)$ ]] ||
        image_usage_error "--resolution takes WxH or text, not '$image_resolution'"
    [[ $image_cmdline != *"$nl"* ]] || image_usage_error "--cmdline must be one line"
    # RASTOS_DEBUG=1 (tests/run.sh sets it): every boot of the test suites
    # checks lock order and poisons the heap ("lockdep slub_debug" first
    # on the command line).
    if [ "${RASTOS_DEBUG:-0}" = 1 ] && [[ " $image_cmdline " != *" lockdep "* ]]; then
        image_cmdline="lockdep slub_debug${image_cmdline:+ $image_cmdline}"
    fi
    [[ $image_loader == rastboot || $image_loader == limine ]] ||
        image_usage_error "--loader takes rastboot or limine, not '$image_loader'"
    if [ -n "$image_config" ] && [ "$image_no_config" = 1 ]; then
        image_usage_error "--config and --no-config exclude each other"
    fi

    [ "$image_no_kernel" = 1 ] || image_need_file kernel "$image_kernel"
    [ -z "$image_initrd" ] || image_need_file initrd "$image_initrd"
    [ -z "$image_config" ] || image_need_file config "$image_config"
    [ -z "$image_limine_config" ] || image_need_file "Limine config" "$image_limine_config"
    for m in "${image_modules[@]}"; do
        image_need_file module "${m%%:*}"
        [[ $m != *"$nl"* ]] || image_usage_error "--module: cmdline must be one line"
        [[ $(basename "${m%%:*}") != *[[:space:]]* ]] ||
            image_usage_error "--module: no spaces in a module's name: '$m'"
    done
    for e in "${image_extras[@]}"; do
        [[ $e == ?*:?* ]] || image_usage_error "--extra takes SRC:DEST, not '$e'"
        image_need_file "extra file" "${e%%:*}"
        [[ /${e#*:}/ != */../* ]] || image_usage_error "--extra: no '..' in DEST: '$e'"
    done
}

# image_make_tmp: create $image_tmp, removed (with $image_cleanup) on exit.
image_make_tmp() {
    image_tmp=$(mktemp -d "${TMPDIR:-/tmp}/rastos-image.XXXXXX")
    trap 'rm -rf "$image_tmp" "${image_cleanup[@]}"' EXIT
}

# image_write_config FILE: the generated rastboot.conf.
image_write_config() {
    local m name
    {
        echo "# rastboot.conf generated by scripts/$IMAGE_NAME"
        echo "kernel=/boot/kernel.elf"
        echo "cmdline=$image_cmdline"
        echo "kaslr=$image_kaslr"
        echo "paging=$image_paging"
        echo "resolution=$image_resolution"
        [ -z "$image_initrd" ] || echo "module=/boot/initramfs.cpio initramfs"
        for m in "${image_modules[@]}"; do
            name=/boot/modules/$(basename "${m%%:*}")
            if [[ $m == *:* ]]; then
                echo "module=$name ${m#*:}"
            else
                echo "module=$name"
            fi
        done
    } >"$1"
}

# image_write_limine_config FILE: the generated limine.conf (Limine 8.x
# syntax), the same settings as image_write_config's rastboot.conf. No menu
# (timeout 0), quiet, and Limine's own messages (its errors) on serial too.
# Limine randomises the HHDM base with the kernel (randomise_hhdm_base) when
# KASLR is on. "resolution=text" has no Limine equivalent: a Limine-protocol
# kernel that asks for a framebuffer always gets one, so none is set.
image_write_limine_config() {
    local m name
    {
        echo "# limine.conf generated by scripts/$IMAGE_NAME (Limine 8.x)"
        echo "timeout: 0"
        echo "quiet: yes"
        echo "serial: yes"
        echo
        echo "/rastOS"
        echo "    protocol: limine"
        echo "    kernel_path: boot():/boot/kernel.elf"
        [ -z "$image_cmdline" ] || echo "    cmdline: $image_cmdline"
        if [ "$image_kaslr" = on ]; then
            echo "    kaslr: yes"
            echo "    randomise_hhdm_base: yes"
        else
            echo "    kaslr: no"
            echo "    randomise_hhdm_base: no"
        fi
        echo "    max_paging_mode: ${image_paging}level"
        [ "$image_resolution" = text ] || echo "    resolution: ${image_resolution}x32"
        if [ -n "$image_initrd" ]; then
            echo "    module_path: boot():/boot/initramfs.cpio"
            echo "    module_cmdline: initramfs"
        fi
        for m in "${image_modules[@]}"; do
            name=/boot/modules/$(basename "${m%%:*}")
            echo "    module_path: boot():$name"
            [[ $m != *:* ]] || echo "    module_cmdline: ${m#*:}"
        done
    } >"$1"
}

# image_have_limine FILE...: whether $LIMINE_DIR holds all these files.
image_have_limine() {
    local f
    for f in "$@"; do
        [[ -f $LIMINE_DIR/$f && -r $LIMINE_DIR/$f ]] || return 1
    done
}

# image_need_limine MEDIUM FILE...: die, naming the medium that cannot be
# made, unless $LIMINE_DIR holds all the files.
image_need_limine() {
    local medium=$1 f missing=()
    shift
    for f in "$@"; do
        image_have_limine "$f" || missing+=("$f")
    done
    [ ${#missing[@]} -eq 0 ] ||
        image_die "cannot make $medium: no ${missing[*]} in LIMINE_DIR=$LIMINE_DIR" \
            "(set LIMINE_DIR to a Limine 8.x binary release)"
}

# image_want_limine MEDIUM FILE...: like image_have_limine, but says what
# the rastboot medium will lack (UEFI boot) when the files are missing.
image_want_limine() {
    local medium=$1
    shift
    image_have_limine "$@" && return 0
    echo "$IMAGE_NAME: warning: no $* in LIMINE_DIR=$LIMINE_DIR:" \
        "$medium will boot on BIOS only (rastboot), not on UEFI" >&2
    return 1
}

# image_stage_limine DIR FILE...: copy Limine binaries into DIR/boot/limine,
# except BOOTX64.EFI, which goes where UEFI firmware looks: DIR/EFI/BOOT.
image_stage_limine() {
    local dir=$1 f
    shift
    mkdir -p "$dir/boot/limine"
    for f in "$@"; do
        if [ "$f" = BOOTX64.EFI ]; then
            mkdir -p "$dir/EFI/BOOT"
            cp "$LIMINE_DIR/$f" "$dir/EFI/BOOT/$f"
        else
            cp "$LIMINE_DIR/$f" "$dir/boot/limine/$f"
        fi
    done
}

# image_stage DIR: lay out the medium's files under DIR.
image_stage() {
    local dir=$1 m e dest
    mkdir -p "$dir/boot"
    [ "$image_no_kernel" = 1 ] || cp "$image_kernel" "$dir/boot/kernel.elf"
    if [ -n "$image_config" ]; then
        cp "$image_config" "$dir/boot/rastboot.conf"
    elif [ "$image_no_config" = 0 ]; then
        image_write_config "$dir/boot/rastboot.conf"
    fi
    mkdir -p "$dir/boot/limine"
    if [ -n "$image_limine_config" ]; then
        cp "$image_limine_config" "$dir/boot/limine/limine.conf"
    else
        image_write_limine_config "$dir/boot/limine/limine.conf"
    fi
    [ -z "$image_initrd" ] || cp "$image_initrd" "$dir/boot/initramfs.cpio"
    for m in "${image_modules[@]}"; do
        mkdir -p "$dir/boot/modules"
        cp "${m%%:*}" "$dir/boot/modules/"
    done
    for e in "${image_extras[@]}"; do
        dest=$dir/${e#*:}
        mkdir -p "$(dirname "$dest")"
        cp "${e%%:*}" "$dest"
    done
}

# image_file_size FILE: print the size of FILE in bytes.
image_file_size() {
    stat -c %s "$1"
}
